/// How wide and tall a tick label is drawn, in pixels, so labels can be thinned to what fits before any browser
/// lays them out.
///
/// Widths are upper bounds of the advance widths of the sans-serif fonts browsers fall back to (DejaVu Sans is the
/// widest of DejaVu, Liberation and Helvetica: digits 0.636 em, `×` 0.838 em), so a label never takes more room
/// than reserved. `10^3` is drawn as 10 with a superscript 3 at ``superscriptScale`` of the font size.
public struct TickLabelMetrics: Sendable, Equatable {
    /// The font size of tick labels (CSS pixels).
    public var fontSize: Double
    /// The size of an exponent relative to ``fontSize``.
    public var superscriptScale: Double
    /// The least room between two labels, in pixels.
    public var gap: Double

    /// Metrics for labels at `fontSize` pixels.
    public init(fontSize: Double = 11, superscriptScale: Double = 0.75, gap: Double = 4) {
        self.fontSize = fontSize
        self.superscriptScale = superscriptScale
        self.gap = gap
    }

    /// Advance width of one character, in em.
    static func em(_ character: Character) -> Double {
        switch character {
        case "0"..."9": 0.64
        case "-", "−": 0.84
        case "×": 0.84
        case ".", ",": 0.32
        case "K": 0.70
        case "M": 0.87
        case " ": 0.32
        default: 0.90
        }
    }

    /// The label's width in pixels (the exponent after `^` at the superscript size).
    public func width(_ label: String) -> Double {
        guard let caret = label.firstIndex(of: "^") else { return label.reduce(0) { $0 + Self.em($1) } * fontSize }
        let base = label[..<caret].reduce(0) { $0 + Self.em($1) }
        let exponent = label[label.index(after: caret)...].reduce(0) { $0 + Self.em($1) }
        return (base + exponent * superscriptScale) * fontSize
    }

    /// The label's height in pixels: a line (1.2 em), and the raised exponent above it (0.35 em more).
    public func height(_ label: String) -> Double {
        fontSize * (label.contains("^") ? 1.55 : 1.2)
    }
}
