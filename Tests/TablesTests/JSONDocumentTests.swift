import Foundation
import Tables
import Testing
import TestSupport

/// JSON files FlowStudy reads back: a syntax error is placed at its line and column (Foundation says only "around
/// character N"), and a value of another kind is named, never printed.
@Suite("JSON documents: syntax errors at their line and column")
struct JSONDocumentTests {
    @Test("a doubled comma on line 3 is reported at line 3, column 4")
    func syntaxErrorPlace() throws {
        let folder = try TemporaryDirectory("json-document")
        let path = folder.path("curves.json")
        // Byte 15 (from 0) is the second comma; line 3 starts at byte 12, so it is column 15 − 12 + 1 = 4.
        try Data("{\n \"a\": [1,\n 2,, 3]}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try JSONDocument.read(path) } throws: { error in
            guard let error = error as? TablesError else { return false }
            return error.code == .malformedJSON && error.file == path && error.place == "line 3, column 4" && error.found.contains("character 15")
        }
    }

    @Test("the place of a newline inside a string, after a byte-order mark, past a two-byte character and at the end",
          arguments: [
              // Byte 14 is the newline; the 15th character of line 1.
              ("{\"path\": \"/a/b\n.json\"}", "line 1, column 15"),
              // Foundation reports byte 8 after the mark: the second comma, the 9th character an editor shows.
              ("\u{FEFF}{\"a\": 1,,}", "line 1, column 9"),
              // "é" is two bytes and one character: the second comma is byte 9 and character 9, column 9.
              ("{\"é\": 1,, }", "line 1, column 9"),
              // Truncated: the last byte, the comma (byte 8, the 9th character).
              ("{\"a\": [1,", "line 1, column 9"),
              // A bad \u escape: Foundation says "at 9", the first hex digit.
              ("{\"a\": \"\\u12G4\"}", "line 1, column 10"),
          ])
    func places(_ text: String, _ place: String) throws {
        let folder = try TemporaryDirectory("json-document")
        let path = folder.path("x.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect { try JSONDocument.read(path) } throws: { ($0 as? TablesError)?.place == place }
    }

    @Test("an array where an object is expected is named by kind, not printed")
    func wrongKind() throws {
        let folder = try TemporaryDirectory("json-document")
        let path = folder.path("run.json")
        try Data(("[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]").utf8).write(to: URL(fileURLWithPath: path))
        #expect { try JSONDocument.object(path, what: "a batch run.json") } throws: { error in
            guard let error = error as? TablesError else { return false }
            return error.code == .malformedJSON && error.expected == "a JSON object (a batch run.json)" && error.found == "an array"
        }
        try Data("{\"a\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try JSONDocument.object(path, what: "a batch run.json")["a"] as? Int == 1)
    }
}

/// Decoding only the fields a reader needs: a value of the wrong kind is placed at its JSON path.
@Suite("JSON documents: decoded fields at their JSON path")
struct JSONDecodeTests {
    struct Record: Decodable {
        struct Input: Decodable { var path: String }
        var inputs: [Input]
    }

    func write(_ text: String) throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory("json-decode")
        let path = folder.path("run.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test("a number where text is expected, a missing field and a syntax error each name their place")
    func places() throws {
        let (folder, path) = try write(#"{"inputs": [{"path": "/a"}, {"path": 7}], "other": {"ignored": [1, 2, 3]}}"#)
        #expect { try JSONDocument.decode(Record.self, path, what: "a run") } throws: { error in
            let error = error as? TablesError
            return error?.place == "inputs[1].path" && error?.expected == "text (a run)" && error?.found == "a number"
        }
        try Data(#"{"inputs": [{"file": "/a"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect { try JSONDocument.decode(Record.self, path, what: "a run") } throws: { ($0 as? TablesError)?.place == "inputs[0].path" }
        // Two values without a comma between them, on line 3 (Foundation accepts a trailing comma).
        try Data("{\"inputs\": [\n{\"path\": \"/a\"}\n {} {}]}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try JSONDocument.decode(Record.self, path, what: "a run") } throws: { ($0 as? TablesError)?.place.hasPrefix("line 3, column") == true }
        _ = folder
    }
}
