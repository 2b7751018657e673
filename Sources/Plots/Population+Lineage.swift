import Gating

/// Walking a population tree (in document order) for what a plot depends on.
extension Array where Element == Population {
    /// The population whose result id is `id` (a quadrant's id names its quadrant gate).
    func population(resulting id: String) -> Population? {
        first { $0.id == id || GatePlot.quadrantIDs($0).contains(id) }
    }

    /// The gates drawn in `population`'s plot: every gate on the same parent and the same dimensions.
    func plotted(with population: Population) -> [Population] {
        filter { $0.parent == population.parent && $0.gate.dimensions == population.gate.dimensions }
    }

    /// `start` and everything their events depend on (ancestors, and the operands of boolean gates), in document
    /// order. The walk does not go past populations in `known`, whose events are given.
    func lineage(of start: [Population], stoppingAt known: Set<String> = []) -> [Population] {
        var seen = Set<String>()
        var pending = start
        while let population = pending.popLast() {
            guard seen.insert(population.id).inserted, !known.contains(population.id) else { continue }
            if let parent = population.parent.flatMap(self.population(resulting:)) { pending.append(parent) }
            if case .boolean(let gate) = population.gate { pending += gate.operands.compactMap { self.population(resulting: $0.reference) } }
        }
        return filter { seen.contains($0.id) }
    }
}
