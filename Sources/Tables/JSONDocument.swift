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
        let bytes = try InputFile.bytes(path)
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

    /// `line L, column C` for the byte offset in Foundation's "around character N", or empty when it gives none.
    static func place(of reason: String, in bytes: [UInt8]) -> String {
        guard let range = reason.range(of: "character "),
              let offset = Int(reason[range.upperBound...].prefix(while: \.isNumber)) else { return "" }
        let end = min(max(offset, 0), bytes.count)
        var line = 1, lineStart = 0
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return "line \(line), column \(end - lineStart + 1)"
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
