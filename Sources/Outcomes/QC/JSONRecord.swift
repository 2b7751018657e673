import Foundation
import Tables

/// One JSON object's fields read by kind; a field of another kind is an ``OutcomesError`` at `place.field`.
/// An absent field and `null` both read as nil (``has(_:)`` tells them apart).
struct JSONRecord {
    /// The file, for errors.
    let file: String
    /// Where the object is in the file (`curves[2]`).
    let place: String
    /// The object's fields.
    let fields: [String: Any]

    /// The JSON document in the file at `path`; a file that cannot be read or parsed is an ``OutcomesError``.
    static func document(_ path: String) throws -> Any {
        do {
            return try JSONDocument.read(path)
        } catch let error as TablesError {
            throw OutcomesError(error)
        }
    }

    /// Whether the object has `key` (even as `null`).
    func has(_ key: String) -> Bool { fields[key] != nil }

    private func value(_ key: String) -> Any? {
        guard let value = fields[key], !(value is NSNull) else { return nil }
        return value
    }

    private func wrong(_ key: String, _ expected: String) -> OutcomesError {
        OutcomesError(file: file, place: "\(place).\(key)", "expected \(expected), found \(fields[key].map(JSONDocument.shown) ?? "nothing")")
    }

    /// A text field.
    func text(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value as? String else { throw wrong(key, "text") }
        return text
    }

    /// A finite number.
    func number(_ key: String) throws -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = (value as? NSNumber)?.doubleValue ?? (value as? Double), number.isFinite else { throw wrong(key, "a number") }
        return number
    }

    /// A whole number.
    func integer(_ key: String) throws -> Int? {
        guard let number = try number(key) else { return nil }
        guard number.rounded() == number, abs(number) < 1e15 else { throw wrong(key, "a whole number") }
        return Int(number)
    }

    /// A count (a whole number ≥ 0: bytes, events).
    func count(_ key: String) throws -> Int? {
        guard let number = try integer(key) else { return nil }
        guard number >= 0 else { throw wrong(key, "a count ≥ 0") }
        return number
    }

    /// `true` or `false`.
    func flag(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value as? Bool else { throw wrong(key, "true or false") }
        return flag
    }

    /// An array.
    func array(_ key: String) throws -> [Any]? {
        guard let value = value(key) else { return nil }
        guard let array = value as? [Any] else { throw wrong(key, "an array") }
        return array
    }

    /// An object.
    func object(_ key: String) throws -> [String: Any]? {
        guard let value = value(key) else { return nil }
        guard let object = value as? [String: Any] else { throw wrong(key, "an object") }
        return object
    }
}
