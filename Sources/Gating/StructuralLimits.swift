/// The largest templates FlowStudy reads (JSON templates and Gating-ML alike), documented in
/// `docs/gating-templates.md`. They are far above any real gating hierarchy and keep every parser and the engine
/// within time linear in the input, with no deep call stack.
public enum StructuralLimits {
    /// Populations in one template (a quadrant counts each of its quadrants).
    public static let populations = 10_000
    /// Levels of parents above a population (a top-level population is at level 1).
    public static let depth = 1_000
    /// Vertices of one polygon gate.
    public static let polygonVertices = 10_000
    /// Dimensions of one gate (an ellipsoid's covariance is dimensions × dimensions).
    public static let gateDimensions = 100
    /// Nesting of elements in a Gating-ML document (of values in a JSON template: ``JSONParser``'s 200).
    public static let xmlDepth = 64
    /// The largest `min_events` (2⁵³: every whole number up to it is exact as a double).
    public static let minEvents = 9_007_199_254_740_992.0
    /// Bytes of a FlowJo population's path (its name and its parents', joined by `/`), by which the import
    /// tells populations apart: every node keeps its path, so without a bound a long name above many
    /// populations would be stored once for each of them.
    public static let populationPathBytes = 4_096

    /// A JSON key or XML element name as error paths show it: cut to 64 Unicode scalars and "…" when over 80
    /// bytes. The path of every item under a key or element repeats it, so a 1 MB matrix id over a million
    /// coefficients would otherwise build a terabyte of paths; cut, building paths stays linear in the input.
    /// (Scalars, not characters: one character may hold any number of combining marks.)
    static func shownInPath(_ name: String) -> String {
        name.utf8.count > 80 ? String(String.UnicodeScalarView(name.unicodeScalars.prefix(64))) + "…" : name
    }

    /// The populations one level below ``depth`` (the first too deep on each branch), with their depth; in time linear
    /// in the number of populations, with no recursion. Undefined parents and cycles are left to other checks.
    public static func tooDeep(_ populations: [Population]) -> [(index: Int, depth: Int)] {
        var owner: [String: Int] = [:]
        for (index, population) in populations.enumerated() {
            if owner[population.id] == nil { owner[population.id] = index }
            if case .quadrant(let gate) = population.gate { for q in gate.quadrants where owner[q.id] == nil { owner[q.id] = index } }
        }
        var depth = [Int](repeating: 0, count: populations.count)  // 0: not known yet
        var found: [(index: Int, depth: Int)] = []
        for start in populations.indices where depth[start] == 0 {
            // Walk up to a population of known depth (or the root, an undefined parent, or a cycle) …
            var chain: [Int] = []
            var onChain = Set<Int>()
            var current: Int? = start
            var base = 0
            while let index = current, depth[index] == 0, onChain.insert(index).inserted {
                chain.append(index)
                current = populations[index].parent.flatMap { owner[$0] }
            }
            if let index = current, depth[index] > 0 { base = depth[index] }
            // … then fill in the depths on the way down.
            for (offset, index) in chain.reversed().enumerated() {
                depth[index] = base + offset + 1
                if depth[index] == Self.depth + 1 { found.append((index, depth[index])) }
            }
        }
        return found.sorted { $0.index < $1.index }
    }
}
