/// A gate as one sample uses it: fixed coordinates, whole histogram bins (``Density2D``), or none (a failed
/// data-driven gate under `on_failure: "na"`).
public enum ComputedGate: Hashable, Sendable {
    /// A gate of coordinates.
    case gate(Gate)
    /// Accepted bins of a 2-D histogram.
    case bins(BinMaskGate)
    /// No gate: the population is empty.
    case none
}

/// What one sample's gate of one population was, and where it came from: a row of `gates.csv`.
public struct GateDecision: Hashable, Sendable {
    /// Where a gate came from.
    public enum Source: Hashable, Sendable {
        /// The template's fixed coordinates.
        case template
        /// Computed from this sample's events.
        case computed
        /// Computed on the pooled events of a group (`group_by` + `pool`), named by its key.
        case pooled(String)
        /// A per-sample override.
        case override
        /// The method failed; `on_failure` applied.
        case fallback

        /// `template`, `computed`, `pooled:<group>`, `override`, `fallback`.
        public var text: String {
            switch self {
            case .template: "template"
            case .computed: "computed"
            case .pooled(let group): "pooled:\(group)"
            case .override: "override"
            case .fallback: "fallback"
            }
        }
    }

    /// The population (a quadrant gate's own id).
    public var population: String
    /// The method that decided (`mindensity`, `tailgate` when mindensity fell back, …) or the fixed gate's type.
    public var method: String
    /// The gate.
    public var gate: ComputedGate
    /// Where it came from.
    public var source: Source
    /// What happened (`ONE_PEAK_TAILGATE`, `TOO_FEW_EVENTS:12<100`, `NA`, `REF:<population>`, `FROM:<sample>`…).
    public var flags: [String]

    /// Creates the value from its parts.
    public init(population: String, method: String, gate: ComputedGate, source: Source, flags: [String] = []) {
        self.population = population
        self.method = method
        self.gate = gate
        self.source = source
        self.flags = flags
    }

    /// The gate as one line of JSON: a template gate (`TemplateWriter.gate`), `{"type": "bins", …}` for
    /// histogram bins (edges as [low, high, count], accepted bins as runs [x bin, first y bin, last y bin]), or
    /// `null`.
    public var coordinates: String {
        switch gate {
        case .gate(let g): return TemplateWriter.gate(g)
        case .none: return "null"
        case .bins(let b):
            let n = TemplateWriter.number
            let edges: ([Double]) -> String = { "[\(n($0.first ?? 0)), \(n($0.last ?? 0)), \($0.count - 1)]" }
            return TemplateWriter.inline([
                ("type", TemplateWriter.quote("bins")),
                ("dimensions", "[" + b.dimensions.map { TemplateWriter.dimension($0) }.joined(separator: ", ") + "]"),
                ("x_edges", edges(b.xEdges)), ("y_edges", edges(b.yEdges)),
                ("runs", "[" + b.runs.map { "[\($0[0]), \($0[1]), \($0[2])]" }.joined(separator: ", ") + "]"),
            ])
        }
    }

    /// The columns of ``csvRow``: `population, method, coordinates, source, flags` (`gates.csv` adds `sample_id` first).
    public static let csvHeader = ["population", "method", "coordinates", "source", "flags"]

    /// The decision as CSV fields (flags `;`-separated).
    public var csvRow: [String] { [population, method, coordinates, source.text, flags.joined(separator: ";")] }

    /// The gate to draw: the coordinates, the bins' outline, or nil.
    public var drawable: Gate? {
        switch gate {
        case .gate(let g): g
        case .bins(let b): b.outline.map(Gate.polygon)
        case .none: nil
        }
    }
}
