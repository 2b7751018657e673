#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scale transform of one dimension, `y = f(x)`, with its inverse, as Gating-ML 2.0 defines them.
///
/// Gate coordinates on a transformed dimension are in the transform's units (mostly 0…1, the value T mapping to 1).
/// Every transform here is monotone increasing where defined, so a threshold in transformed units is also a
/// threshold in untransformed units (``inverse(_:)``): gates can be decided without transforming every event.
public protocol Transform: Sendable {
    /// `y = f(x)`; NaN where the transform is undefined (log of a value ≤ 0).
    func apply(_ x: Double) -> Double
    /// `x = f⁻¹(y)`.
    func inverse(_ y: Double) -> Double
    /// The transform is defined exactly for `x > definedAbove` (−∞ when it is defined everywhere; 0 for `flog`).
    /// Where it is undefined, ``apply(_:)`` is NaN and the event falls in no gate.
    var definedAbove: Double { get }
    /// Replaces each value by ``apply(_:)`` of it, bit for bit; a transform may do the per-value constant work once.
    func apply(inPlace values: inout [Double])
}

extension Transform {
    /// Defined on every real number.
    public var definedAbove: Double { -.infinity }

    /// Applies the transform to every value.
    public func apply(_ values: [Double]) -> [Double] {
        values.map { apply($0) }
    }

    /// Applies the transform in place.
    public func apply(inPlace values: inout [Double]) {
        for i in values.indices { values[i] = apply(values[i]) }
    }
}

/// Errors in transform parameters.
public struct TransformError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The transform (`logicle`, `fasinh`…).
    public var transform: String
    /// What is wrong with its parameters.
    public var message: String
    /// Creates an error.
    public init(transform: String, message: String) {
        self.transform = transform
        self.message = message
    }
    public var description: String { "\(transform): \(message)" }
}

let ln10 = log(10.0)
