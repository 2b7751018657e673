/// A JSON value that remembers where it was written, so template errors can name a line.
public struct JSONValue: Sendable {
    /// The value itself.
    public indirect enum Kind: Sendable {
        case object([(key: String, value: JSONValue)])
        case array([JSONValue])
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    /// The value.
    public var kind: Kind
    /// 1-based line of the value's first character.
    public var line: Int

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = kind { return members.last { $0.key == key }?.value }
        return nil
    }

    /// The string, when it is one.
    public var string: String? { if case .string(let s) = kind { return s }; return nil }
    /// The number, when it is one.
    public var number: Double? { if case .number(let n) = kind { return n }; return nil }
    /// The boolean, when it is one.
    public var bool: Bool? { if case .bool(let b) = kind { return b }; return nil }
    /// The items, when it is an array.
    public var array: [JSONValue]? { if case .array(let a) = kind { return a }; return nil }
    /// The members in order, when it is an object.
    public var members: [(key: String, value: JSONValue)]? { if case .object(let m) = kind { return m }; return nil }
    /// Whether it is null.
    public var isNull: Bool { if case .null = kind { return true }; return false }

    /// The JSON type's name, for messages.
    public var typeName: String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}

/// A JSON syntax error with its line and column.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// What is wrong.
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A small RFC 8259 parser that records the line of every value.
public struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    /// Parses `text` as one JSON value.
    public static func parse(_ text: String) throws -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == parser.bytes.count else { throw parser.error("expected the end of the document") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: position - lineStart + 1, message: message)
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x0A: line += 1; position += 1; lineStart = position
            case 0x20, 0x09, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 200 else { throw error("nesting deeper than 200 levels") }
        guard position < bytes.count else { throw error("expected a value, found the end of the document") }
        let startLine = line
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return JSONValue(kind: .object([]), line: startLine) }
            while true {
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
                position += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard position < bytes.count else { throw error("expected ',' or '}'") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; break }
                throw error("expected ',' or '}'")
            }
            return JSONValue(kind: .object(members), line: startLine)
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return JSONValue(kind: .array([]), line: startLine) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw error("expected ',' or ']'") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; break }
                throw error("expected ',' or ']'")
            }
            return JSONValue(kind: .array(items), line: startLine)
        case UInt8(ascii: "\""):
            return JSONValue(kind: .string(try string()), line: startLine)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(kind: .bool(true), line: startLine)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(kind: .bool(false), line: startLine)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(kind: .null, line: startLine)
        default:
            return JSONValue(kind: .number(try number()), line: startLine)
        }
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<(position + expected.count)]) == expected else {
            throw error("expected \(word)")
        }
        position += expected.count
    }

    private mutating func number() throws -> Double {
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !text.isEmpty, let value = Double(text) else {
            position = start
            throw error("expected a value (object, array, string, number, true, false or null)")
        }
        guard value.isFinite else {
            position = start
            throw error("expected a number within ±1.8e308, found \(text.prefix(40))")
        }
        return value
    }

    private mutating func string() throws -> String {
        position += 1  // opening quote
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count else { throw error("unfinished escape") }
                let escaped = bytes[position + 1]
                position += 2
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
                        throw error("expected four hex digits after \\u")
                    }
                    position += 4
                    var scalarValue = code
                    if (0xD800..<0xDC00).contains(code), position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                       bytes[position + 1] == UInt8(ascii: "u"),
                       let low = UInt32(String(decoding: bytes[(position + 2)..<(position + 6)], as: UTF8.self), radix: 16),
                       (0xDC00..<0xE000).contains(low) {
                        scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                    out += Array(String(Unicode.Scalar(scalarValue).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(escaped)
                }
            case 0x0A:
                throw error("unescaped line break in a string")
            default:
                out.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }
}
