import Foundation

/// A JSON file FlowStudy wrote and reads back (a run's `run.json`, `curves.json`, `outcomes_run.json`, a
/// gallery's `manifest.json`), parsed by Foundation, with a syntax error placed at its line and column.
///
/// Foundation reports where parsing stopped as "around character N", a byte offset into the UTF-8 text, and
/// `localizedDescription` drops even that ("The data is not in the correct format"); a person looking for the
/// broken comma needs the line.
public enum JSONDocument {
    /// The document in the file at `path`, any JSON value at the top. Throws ``TablesError``: the file's own
    /// problems (unreadable, not a regular file), or `malformed_json` at `line L, column C` with the parser's reason.
    public static func read(_ path: String) throws -> Any {
        try parse(try InputFile.bytes(path), file: path)
    }

    /// The document in the file at `path` decoded as `T`. Fields `T` does not name are skipped without being built,
    /// so a large document (a gallery manifest of 40 MB) costs little more memory than its text, where
    /// ``read(_:)`` builds an object per value (1 GB for that manifest). Throws ``TablesError``: the file's own
    /// problems, a syntax error at its line and column, or `malformed_json` at the JSON path of a value of the
    /// wrong kind (`cells[2]`, `inputs.clinical`); `what` names the document (`a review gallery's manifest.json`).
    public static func decode<T: Decodable>(_ type: T.Type, _ path: String, what: String) throws -> T {
        let bytes = try InputFile.bytes(path)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                // JSONDecoder says only "not valid JSON": the parser below places the error. It builds the objects
                // before the error (memory the decoding spared), but only for a file that is refused anyway.
                _ = try parse(bytes, file: path)
                throw TablesError(.malformedJSON, file: path, expected: "JSON (\(what))", found: context.debugDescription)
            case .keyNotFound(let key, let context):
                throw TablesError(.malformedJSON, file: path, place: place(context.codingPath + [key]), expected: "a field required in \(what)",
                                  found: "none")
            case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
                // JSONDecoder says "… but found number instead", "… found null value instead".
                let text = context.debugDescription
                var found = "another kind of value"
                if let start = text.range(of: "found "), let end = text.range(of: " instead", range: start.upperBound..<text.endIndex) {
                    found = String(text[start.upperBound..<end.lowerBound])
                    if !found.hasPrefix("a ") && !found.hasPrefix("an ") && !found.hasPrefix("null") { found = "a " + found }
                }
                throw TablesError(.malformedJSON, file: path, place: place(context.codingPath), expected: kind(decoding: type) + " (\(what))",
                                  found: found)
            case .dataCorrupted(let context):
                throw TablesError(.malformedJSON, file: path, place: place(context.codingPath), expected: what, found: context.debugDescription)
            @unknown default:
                throw TablesError(.malformedJSON, file: path, expected: what, found: "\(error)")
            }
        }
    }

    /// `bytes` of the file `file` parsed by JSONSerialization, a syntax error placed at its line and column.
    static func parse(_ bytes: [UInt8], file path: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch let error as NSError {
            let reason = (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
            throw TablesError(.malformedJSON, file: path, place: place(of: reason, in: bytes), expected: "JSON",
                              found: "text that does not parse (\(reason))")
        }
    }

    /// The JSON object in the file at `path`. Throws ``TablesError`` as ``read(_:)`` does, and `malformed_json`
    /// when the document is another kind of value; `what` names the document in that message (`a batch run.json`).
    public static func object(_ path: String, what: String) throws -> [String: Any] {
        let value = try read(path)
        guard let object = value as? [String: Any] else {
            throw TablesError(.malformedJSON, file: path, expected: "a JSON object (\(what))", found: kind(of: value))
        }
        return object
    }

    /// `line L, column C` (C in characters) for the byte offset in Foundation's "around character N" (the last
    /// "character" of the reason: "Unescaped control character around character 29"; "… at 9" for a bad `\u`
    /// escape), or the last byte for "Unexpected end of file"; empty when the reason gives none. A byte-order mark is
    /// not counted: Foundation counts from after it, and editors do not show it.
    static func place(of reason: String, in bytes: [UInt8]) -> String {
        // Foundation counts from after a byte-order mark.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var offset: Int
        if let range = reason.range(of: "character ", options: .backwards),
           let found = Int(reason[range.upperBound...].prefix(while: \.isNumber)) {
            offset = start + found
        } else if let range = reason.range(of: " at ", options: .backwards),
                  let found = Int(reason[range.upperBound...].prefix(while: \.isNumber)) {
            offset = start + found   // "Invalid hex encoded sequence in "12G4" at 9."
        } else if reason.contains("end of file") {
            offset = max(bytes.count - 1, start)
        } else {
            return ""
        }
        offset = min(max(offset, 0), bytes.count)
        var line = 1, lineStart = start
        for index in start..<max(offset, start) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // UTF-8 continuation bytes (10xxxxxx) are not characters of their own.
        let column = bytes[lineStart..<max(offset, lineStart)].filter { $0 & 0xC0 != 0x80 }.count + 1
        return "line \(line), column \(column)"
    }

    /// A coding path as a JSON path: `cells[2].image`.
    static func place(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    /// The kind of JSON value a Swift type decodes from, for messages.
    static func kind(decoding type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Int.Type: return "a number"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            return "an object"
        }
    }

    /// A JSON value as a message shows it: text quoted and numbers as read, cut at 80 characters; an array or an
    /// object only named by kind, as it may be megabytes.
    public static func shown(_ value: Any) -> String {
        if value is [Any] || value is [String: Any] || value is NSNull { return kind(of: value) }
        let text = value is String ? "'\(value)'" : "\(value)"
        return text.count > 80 ? text.prefix(80) + "… (\(text.count) characters)" : text
    }

    /// The kind of a JSON value, for messages (never the value itself, which may be megabytes).
    public static func kind(of value: Any) -> String {
        switch value {
        case is [String: Any]: return "an object"
        case is [Any]: return "an array"
        case is String: return "text"
        case is NSNull: return "null"
        case is NSNumber: return "a number (or true/false)"
        default: return "\(type(of: value))"
        }
    }
}
