import Foundation
import Testing
import TestSupport
@testable import Editor

/// Save keeps the replaced template as `T.json.(n + 1)`; the names already beside it come from outside.
@Suite("Editor save: the previous version's name")
struct SaveVersionTests {
    static func folder(_ names: [String]) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        for name in names { try Data("{}".utf8).write(to: URL(fileURLWithPath: folder.path(name))) }
        return folder
    }

    @Test("the next after the highest whole-number suffix; other names and a suffix of Int.max (no next: it trapped) are left out")
    func next() throws {
        let folder = try Self.folder(["t.json", "t.json.3", "t.json.x", "t.json.0", "t.json.9223372036854775807", "t.json.99999999999999999999"])
        #expect(try EditorSession.nextVersion(of: folder.path("t.json")) == folder.path("t.json.4"))
        #expect(try EditorSession.nextVersion(of: try Self.folder(["t.json"]).path("t.json")).hasSuffix("/t.json.1"))
    }

    @Test("a file or a dangling link already at the next name is an error, not replaced")
    func taken() throws {
        let folder = try Self.folder(["t.json", "t.json.9223372036854775806", "t.json.9223372036854775807"])
        #expect { try EditorSession.nextVersion(of: folder.path("t.json")) } throws: { error in
            (error as? EditorError)?.code == .write && (error as? EditorError)?.place == folder.path("t.json.9223372036854775807")
        }
        // A link at a version name is itself listed as a version; one at the unlisted Int.max name is still found.
        let linked = try Self.folder(["t.json", "t.json.9223372036854775806"])
        try FileManager.default.createSymbolicLink(atPath: linked.path("t.json.9223372036854775807"), withDestinationPath: linked.path("nowhere"))
        #expect { try EditorSession.nextVersion(of: linked.path("t.json")) } throws: {
            ($0 as? EditorError)?.place == linked.path("t.json.9223372036854775807")
        }
    }
}
