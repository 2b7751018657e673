/// The density colour map: a perceptually ordered ramp (dark blue → teal → green → yellow, as viridis), with
/// 256 entries interpolated between a few anchors.
enum ColourMap {
    static let anchors: [(Double, Double, Double)] = [
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ]

    static let table: [Bitmap.Colour] = (0..<256).map { i in
        let t = Double(i) / 255 * Double(anchors.count - 1)
        let k = min(Int(t), anchors.count - 2)
        let f = t - Double(k)
        let a = anchors[k], b = anchors[k + 1]
        return Bitmap.Colour(UInt8(a.0 + f * (b.0 - a.0)), UInt8(a.1 + f * (b.1 - a.1)), UInt8(a.2 + f * (b.2 - a.2)))
    }

    /// The colour of a bin with `count` events when the densest bin has `maximum` (log scale).
    static func colour(_ count: Int, maximum: Int) -> Bitmap.Colour {
        guard count > 0, maximum > 0 else { return .white }
        let t = maximum == 1 ? 1 : log(1 + Double(count)) / log(1 + Double(maximum))
        return table[min(255, max(0, Int(t * 255)))]
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
