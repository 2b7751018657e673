#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FlowJo 10's biexponential transform, as FlowKit implements it: a 4,097-point lookup table from data values
/// to channels 0…4096 (FlowJo's legacy Java algorithm, by way of cytolib), read by linear interpolation and
/// clamped at both ends. It is not Gating-ML's logicle: FlowJo takes a negative `widthBasis`, and the table
/// differs slightly from the exact curve. Kept as its own type so FlowJo-defined gates reproduce.
public struct FlowJoBiexTransform: Transform, Equatable, Codable {
    /// Extra negative decades (`neg`).
    public var negative: Double
    /// FlowJo's width basis (negative, e.g. −10).
    public var width: Double
    /// Positive decades (`pos`).
    public var positive: Double
    /// Top of the linear scale.
    public var maxValue: Double

    private var dataValues: [Double] = []
    private var channelValues: [Double] = []

    private enum CodingKeys: String, CodingKey { case negative, width, positive, maxValue = "max_value" }

    /// The table's channel range (FlowJo's default).
    public static let channelRange = 4096

    /// Creates FlowJo's biex; `width` must be negative, `positive` > 0.
    public init(negative: Double = 0, width: Double = -10, positive: Double = 4.41854, maxValue: Double = 262_144.000029) throws {
        guard width < 0, positive > 0, maxValue > 0, negative >= 0 else {
            throw TransformError(transform: "flowjo_biex",
                                 message: "expected width < 0, positive > 0, negative ≥ 0, max_value > 0, found width = \(width), positive = \(positive), negative = \(negative), max_value = \(maxValue)")
        }
        self.negative = negative
        self.width = width
        self.positive = positive
        self.maxValue = maxValue
        (dataValues, channelValues) = Self.table(negative: negative, widthBasis: width, positive: positive, maxValue: maxValue)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(negative: c.decode(Double.self, forKey: .negative), width: c.decode(Double.self, forKey: .width),
                      positive: c.decode(Double.self, forKey: .positive), maxValue: c.decode(Double.self, forKey: .maxValue))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(negative, forKey: .negative)
        try c.encode(width, forKey: .width)
        try c.encode(positive, forKey: .positive)
        try c.encode(maxValue, forKey: .maxValue)
    }

    public static func == (lhs: FlowJoBiexTransform, rhs: FlowJoBiexTransform) -> Bool {
        lhs.negative == rhs.negative && lhs.width == rhs.width && lhs.positive == rhs.positive && lhs.maxValue == rhs.maxValue
    }

    public func apply(_ x: Double) -> Double { Self.interpolate(x, from: dataValues, to: channelValues) }
    public func inverse(_ y: Double) -> Double { Self.interpolate(y, from: channelValues, to: dataValues) }

    /// Linear interpolation in an increasing table, clamped to the table's ends.
    static func interpolate(_ x: Double, from xs: [Double], to ys: [Double]) -> Double {
        if x.isNaN { return .nan }
        guard let first = xs.first, let last = xs.last else { return .nan }
        if x <= first { return ys[0] }
        if x >= last { return ys[ys.count - 1] }
        var low = 0, high = xs.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if xs[middle] <= x { low = middle } else { high = middle }
        }
        let fraction = (x - xs[low]) / (xs[high] - xs[low])
        return ys[low] + fraction * (ys[high] - ys[low])
    }

    /// FlowJo's root finder for the negative range, with its quirks kept (the first residual uses `w·b`).
    static func negativeRange(_ b: Double, _ w: Double) -> Double {
        if w == 0 { return b }
        var low = 0.0, high = b
        var d = (low + high) / 2
        var lastStep = Double(Int(abs(low - high)))
        let fb = -2 * log(b) + w * b
        var value = 2 * log(d) + w * b + fb
        var slope = 2 / d + w
        for _ in 0..<100 {
            var step: Double
            if ((d - high) * slope - value) - ((d - low) * slope - value) > 0 || abs(2 * value) > abs(lastStep * slope) {
                step = (high - low) / 2
                d = low + step
                if d == low { return d }
            } else {
                step = value / slope
                let previous = d
                d -= step
                if d == previous { return d }
            }
            if abs(step) < 1e-12 { return d }
            lastStep = step
            value = 2 * log(d) + w * d + fb
            slope = 2 / d + w
            if value < 0 { low = d } else { high = d }
        }
        return d
    }

    /// The table: data values and the channel each maps to.
    static func table(negative: Double, widthBasis: Double, positive: Double, maxValue: Double) -> ([Double], [Double]) {
        let range = Double(channelRange)
        var width = log10(-widthBasis)
        var decades = positive - width / 2
        let extra = max(negative, 0) + width / 2
        var zeroPoint = Int(extra * range / (extra + decades))
        zeroPoint = Int(min(Double(zeroPoint), range / 2))
        if zeroPoint > 0 { decades = extra * range / Double(zeroPoint) }
        width /= 2 * decades
        let positiveRange = ln10 * decades
        let minimum = maxValue / exp(positiveRange)
        let negativeRange = Self.negativeRange(positiveRange, width)
        let points = channelRange + 1
        var up = (0..<points).map { exp(Double($0) / Double(points) * positiveRange) }
        var down = (0..<points).map { exp(Double($0) / Double(points) * -negativeRange) }
        let s = exp((positiveRange + negativeRange) * (width + extra / decades))
        for i in down.indices { down[i] *= s }
        let offset = up[zeroPoint] - down[zeroPoint]
        for i in zeroPoint..<points { up[i] = minimum * ((up[i] - down[i]) - offset) }
        for i in 0..<zeroPoint { up[i] = -up[2 * zeroPoint - i] }
        let channels = (0..<points).map { Double($0) * (range / range) }
        return (up, channels)
    }
}
