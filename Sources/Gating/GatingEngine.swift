import Compensation
import FCS
import Transforms

/// Evaluates a gating strategy on a sample: each gate once, only on its parent's events, in dependency order.
public enum GatingEngine {
    /// Gates `sample` with `strategy`.
    public static func evaluate(_ strategy: GatingStrategy, on sample: Sample) throws -> GatingResult {
        let store = try EventValues(strategy: strategy, sample: sample)
        return try evaluate(strategy, store: store)
    }

    /// `known` populations are taken as given (events computed before, e.g. a review gallery's cache), not gated.
    /// `given` gates (pooled, overrides, a matched tube's) replace the template's or the method's for their
    /// population. Every gate's decision is recorded in the result.
    static func evaluate(_ strategy: GatingStrategy, store: EventValues, known: [String: EventSet] = [:],
                         given: [String: GateDecision] = [:]) throws -> GatingResult {
        let sample = store.sample
        let order = try dependencyOrder(strategy)
        var membership: [String: EventSet] = [:]
        var parents: [String: String] = [:]
        var decisions: [String: GateDecision] = [:]
        let everyone = EventSet.all(sample.eventCount)
        for index in order {
            let population = strategy.populations[index]
            if let events = known[population.id], events.eventCount == sample.eventCount {
                membership[population.id] = events
                if let parent = population.parent { parents[population.id] = parent }
                continue
            }
            let parentSet: EventSet
            if let parent = population.parent {
                guard let set = membership[parent] else {
                    throw GatingError(.unknownGate, place: population.id, "parent '\(parent)' is not a population of this strategy")
                }
                parentSet = set
            } else {
                parentSet = everyone
            }
            if let decision = given[population.id] ?? population.method.map({
                decide(population, method: $0, parent: parentSet, store: store, decided: decisions)
            }) {
                decisions[population.id] = decision
                if case .gate(.quadrant(let gate)) = decision.gate {
                    for (id, set) in try store.quadrants(gate, within: parentSet, population: population.id) {
                        membership[id] = set
                        if let parent = population.parent { parents[id] = parent }
                    }
                } else {
                    membership[population.id] = try select(decision.gate, within: parentSet, store: store, population: population.id)
                    if let parent = population.parent { parents[population.id] = parent }
                }
                continue
            }
            decisions[population.id] = GateDecision(population: population.id, method: population.gate.typeName,
                                                    gate: .gate(population.gate), source: .template)
            switch population.gate {
            case .quadrant(let gate):
                for (id, set) in try store.quadrants(gate, within: parentSet, population: population.id) {
                    membership[id] = set
                    if let parent = population.parent { parents[id] = parent }
                }
            case .boolean(let gate):
                let combined = try combine(gate, membership: membership, population: population.id, eventCount: sample.eventCount)
                membership[population.id] = combined.intersection(parentSet)
                if let parent = population.parent { parents[population.id] = parent }
            default:
                membership[population.id] = try store.select(population.gate, within: parentSet, population: population.id)
                if let parent = population.parent { parents[population.id] = parent }
            }
        }
        return GatingResult(file: sample.file, eventCount: sample.eventCount, ids: strategy.resultIDs,
                            parents: parents, membership: membership,
                            decisions: strategy.populations.compactMap { decisions[$0.id] })
    }

    static func combine(_ gate: BooleanGate, membership: [String: EventSet], population: String, eventCount: Int) throws -> EventSet {
        let operands = try gate.operands.map { operand -> EventSet in
            guard let set = membership[operand.reference] else {
                throw GatingError(.unknownGate, place: population, "operand '\(operand.reference)' is not a population of this strategy")
            }
            return operand.complement ? set.complement() : set
        }
        switch gate.operation {
        case .and: return operands.dropFirst().reduce(operands.first ?? .all(eventCount)) { $0.intersection($1) }
        case .or: return operands.dropFirst().reduce(operands.first ?? EventSet(eventCount: eventCount)) { $0.union($1) }
        case .not: return (operands.first ?? EventSet(eventCount: eventCount)).complement()
        }
    }

    /// Gate indices so that parents and boolean operands come first; unknown references and cycles are errors.
    public static func dependencyOrder(_ strategy: GatingStrategy) throws -> [Int] {
        var owner: [String: Int] = [:]
        for (index, population) in strategy.populations.enumerated() {
            owner[population.id] = index
            if case .quadrant(let gate) = population.gate { for q in gate.quadrants { owner[q.id] = index } }
        }
        func dependencies(_ population: Population) throws -> [Int] {
            var names: [String] = population.parent.map { [$0] } ?? []
            if case .boolean(let gate) = population.gate { names += gate.operands.map(\.reference) }
            if case .ref(let other)? = population.method?.kind { names.append(other) }
            return try names.map { name in
                guard let index = owner[name] else {
                    throw GatingError(.unknownGate, place: population.id, "'\(name)' is not defined in this strategy")
                }
                return index
            }
        }
        // Depth-first, with an explicit stack: a parent chain of any length needs no call stack, and the cycle
        // path is read off the stack (no copy of the path per level).
        var state = [UInt8](repeating: 0, count: strategy.populations.count)  // 0 new, 1 on the stack, 2 done
        var order: [Int] = []
        order.reserveCapacity(strategy.populations.count)
        var stack: [(index: Int, dependencies: [Int], next: Int)] = []
        for start in strategy.populations.indices where state[start] == 0 {
            state[start] = 1
            stack.append((start, try dependencies(strategy.populations[start]), 0))
            while let top = stack.last {
                if top.next == top.dependencies.count {
                    stack.removeLast()
                    state[top.index] = 2
                    order.append(top.index)
                    continue
                }
                let dependency = top.dependencies[top.next]
                stack[stack.count - 1].next += 1
                switch state[dependency] {
                case 2: continue
                case 1:
                    let id = strategy.populations[dependency].id
                    let from = stack.firstIndex { $0.index == dependency } ?? 0
                    let path = stack[from...].map { strategy.populations[$0.index].id } + [id]
                    throw GatingError(.cycle, place: id, "populations refer to each other in a cycle: \(path.joined(separator: " → "))")
                default:
                    state[dependency] = 1
                    stack.append((dependency, try dependencies(strategy.populations[dependency]), 0))
                }
            }
        }
        return order
    }
}
