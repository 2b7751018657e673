import Batch
import FCS
import Foundation
import Gating
import Synchronization

/// The editor's state: the template being edited, its undo and redo history, and every sample's populations.
///
/// Every sample is gated once in the background when the session starts. An edit marks, on every sample, the
/// edited gate and everything that depends on it (its subtree, and boolean gates over it) as stale; background
/// workers re-gate only those, starting from the stored events of everything else (the edited gate's parent
/// among them), as the review gallery does with its stored parent events. A worker whose template changed under
/// it discards its result and the sample is taken again, so what is shown always belongs to the current template.
public final class EditorSession: Sendable {
    /// One sample as the page lists it.
    public struct SampleInfo: Sendable, Codable {
        /// The sample id (sheet `sample_id`, or the file stem for a folder).
        public var id: String
        /// The FCS file.
        public var file: String
        /// `FMO CD206`, `isotype …`, or nil for a stained sample.
        public var control: String?
    }

    /// The template file being edited.
    public let templatePath: String
    /// The samples, in sheet order.
    public let samples: [SampleInfo]
    /// Per-sample gates replacing the template's (`flowstudy-overrides/1`), given to every gating as the batch does.
    public let overrides: GateOverrides
    /// The sheet's tubes, in sheet order (the samples' entries).
    let entries: [SampleSheet.Entry]
    /// When the template decides some gates per group of tubes (pooled gates, a control's gates on its own
    /// marker): the groups as sample indices, as the batch forms them (``GroupGates``); nil otherwise. The
    /// template's methods (and so its pooling columns) never change in the editor, so neither do the groups.
    let groups: [[Int]]?
    /// Each sample's group in ``groups``.
    let groupOf: [Int]
    /// One per group: the worker deciding a group's gates holds it, so the others wait for its answer.
    let groupLocks: [NSLock]
    let reading: FCSReadOptions
    let jobs: Int
    let state: Mutex<State>

    struct SampleState {
        var eventCount = 0
        /// Events of every result id, for the populations that are not stale.
        var membership: [String: EventSet] = [:]
        /// Each population's gate on this sample and where it came from (template, computed, pooled, override,
        /// fallback), for the populations that are not stale.
        var decisions: [String: GateDecision] = [:]
        /// Population ids (quadrant gates by their gate id) to gate again.
        var stale: Set<String>
        /// A worker has it.
        var claimed = false
        /// Why the file could not be read or gated.
        var failure: String?
        /// The file itself could not be read: no edit will change that, so it is not gated again.
        var unreadable = false
        /// Count per result id, from `membership`.
        var counts: [String: Int] = [:]
        /// % of parent per result id with the template as last saved (or loaded), for the change shown on save.
        var baseline: [String: Double]?
    }

    struct State {
        var template: GatingTemplate
        var generation = 0
        var undo: [GatingTemplate] = []
        var redo: [GatingTemplate] = []
        /// The template as last written (or as loaded), and its JSON text.
        var saved: GatingTemplate
        var savedJSON: String
        var isSaved = true
        var samples: [SampleState]
        var working = 0
        var preview: Preview?
        /// Bumped when an edit changes a data-driven population (or what it depends on): the groups' decisions
        /// are then decided again.
        var givenVersion = 0
        /// Group index → its decisions, for `givenVersion`.
        var groupGiven: [Int: GroupDecisions] = [:]
    }

    /// What ``GroupGates`` decided for one group of tubes, for one ``State/givenVersion``.
    struct GroupDecisions {
        var version: Int
        var given: [String: [String: GateDecision]]
        var failures: [String: any Error]
    }

    /// A drag's data: the selected sample's parent events in the gate's dimensions.
    struct Preview {
        var sample: Int
        var population: String
        var values: GateShape.ParentValues
    }

    /// A session over `template` (read from `templatePath`) and the sheet's entries, with the per-sample
    /// `overrides` the batch would apply; `matchesControls` (the sheet's; nil: whether the entries hold a control)
    /// groups each control with its stained tube as the batch does. Call ``start()`` to gate.
    public init(templatePath: String, template: GatingTemplate, entries: [SampleSheet.Entry], overrides: GateOverrides = GateOverrides(),
                matchesControls: Bool? = nil, reading: FCSReadOptions = FCSReadOptions(), jobs: Int = 2) {
        self.templatePath = templatePath
        self.overrides = overrides
        self.entries = entries
        let deciding = GroupGates(template: template, overrides: overrides)
        if deciding.needsGroups(entries) {
            let position = Dictionary(entries.enumerated().map { ($1.sampleID, $0) }, uniquingKeysWith: { first, _ in first })
            let groups = deciding.groups(entries, matchesControls: matchesControls ?? entries.contains(where: \.isControl)).map { $0.compactMap { position[$0.sampleID] } }
            var groupOf = [Int](repeating: 0, count: entries.count)
            for (g, members) in groups.enumerated() { for i in members { groupOf[i] = g } }
            self.groups = groups
            self.groupOf = groupOf
            groupLocks = groups.map { _ in NSLock() }
        } else {
            groups = nil
            groupOf = []
            groupLocks = []
        }
        samples = entries.map { entry in
            SampleInfo(id: entry.sampleID, file: entry.file,
                       control: entry.controlType.map { type in [type, entry.controlMarker].compactMap { $0 }.joined(separator: " ") })
        }
        self.reading = reading
        self.jobs = max(jobs, 1)
        let everything = Set(template.strategy.populations.map(\.id))
        state = Mutex(State(template: template, saved: template, savedJSON: TemplateWriter.json(template),
                            samples: entries.map { _ in SampleState(stale: everything) }))
    }

    /// Starts gating every sample in the background.
    public func start() { startWorkers() }

    /// The template as edited now.
    public var template: GatingTemplate { state.withLock { $0.template } }

    /// Whether every sample is gated with the current template (or failed).
    public var isSettled: Bool { state.withLock { s in s.samples.allSatisfy { $0.stale.isEmpty && !$0.claimed } } }

    /// Waits until every sample is gated with the current template, up to `timeout` seconds; false on timeout.
    public func settle(timeout: Double = 600) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !isSettled {
            if Date() > deadline { return false }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return true
    }

    /// The sample index of `id`.
    func sampleIndex(_ id: String) throws -> Int {
        guard let index = samples.firstIndex(where: { $0.id == id }) else {
            throw EditorError(.unknown, place: "sample", "expected a sample of the sheet, found '\(id)'")
        }
        return index
    }

    /// The population of `template` named `id` (a quadrant's id names its quadrant gate).
    static func population(_ id: String, in template: GatingTemplate) throws -> Population {
        guard let population = template.strategy.populations.first(where: { $0.id == id || Self.resultIDs($0).contains(id) }) else {
            throw EditorError(.unknown, place: "population", "expected a population of the template, found '\(id)'")
        }
        return population
    }

    /// The result ids a population gives: its quadrants for a quadrant gate, else its own id.
    static func resultIDs(_ population: Population) -> [String] {
        if case .quadrant(let q) = population.gate { return q.quadrants.map(\.id) }
        return [population.id]
    }

    // MARK: Edits

    /// Replaces the coordinates of `population`'s gate. A data-driven population (one with a `method`) is refused:
    /// its gate is computed per sample.
    public func edit(population id: String, shape: GateShape) throws {
        try state.withLock { s in
            let population = try Self.population(id, in: s.template)
            try refuseComputed(population)
            guard let index = s.template.strategy.populations.firstIndex(where: { $0.id == population.id }) else { return }
            var next = s.template
            next.strategy.populations[index].gate = try shape.applied(to: population.gate, population: population.id)
            apply(next, to: &s, history: .edit)
        }
        startWorkers()
    }

    /// Throws when `population`'s gate is computed per sample: there are no template coordinates to drag.
    func refuseComputed(_ population: Population) throws {
        guard let method = population.method else { return }
        let overridesFile = (GateOverrides.defaultPath(forTemplate: templatePath) as NSString).lastPathComponent
        throw EditorError(.computedGate, place: population.id,
                          "its gate is computed per sample (\(method.name)\(method.pool ? ", pooled by \(method.groupBy.joined(separator: ", "))" : "")); "
                          + "edit the method's arguments in the template, or give a sample its own gate in \(overridesFile)")
    }

    /// Sets the percentile of readout `index`'s control threshold (0 < p < 100).
    public func setPercentile(readout index: Int, percentile: Double) throws {
        try state.withLock { s in
            guard s.template.readouts.indices.contains(index), case .control(let kind, _) = s.template.readouts[index].threshold else {
                throw EditorError(.unknown, place: "readouts[\(index)]", "expected a readout with a control threshold")
            }
            guard percentile.isFinite, percentile > 0, percentile < 100 else {
                throw EditorError(.invalidGate, place: "readouts[\(index)].threshold.percentile", "expected a percentile between 0 and 100, found \(percentile)")
            }
            var next = s.template
            next.readouts[index].threshold = .control(kind: kind, percentile: percentile)
            apply(next, to: &s, history: .edit)
        }
    }

    /// Undoes the last edit; false when there is none.
    @discardableResult
    public func undo() -> Bool {
        let done = state.withLock { s -> Bool in
            guard let previous = s.undo.popLast() else { return false }
            apply(previous, to: &s, history: .undo)
            return true
        }
        startWorkers()
        return done
    }

    /// Redoes the last undone edit; false when there is none.
    @discardableResult
    public func redo() -> Bool {
        let done = state.withLock { s -> Bool in
            guard let next = s.redo.popLast() else { return false }
            apply(next, to: &s, history: .redo)
            return true
        }
        startWorkers()
        return done
    }

    enum History { case edit, undo, redo }

    /// Makes `next` the current template and marks what it changed as stale on every sample.
    func apply(_ next: GatingTemplate, to s: inout State, history: History) {
        let changed = Self.affected(from: s.template, to: next)
        switch history {
        case .edit: s.undo.append(s.template); s.redo = []
        case .undo: s.redo.append(s.template)
        case .redo: s.undo.append(s.template)
        }
        // A data-driven gate changed (its parent, say): the groups' pooled and control gates are decided again.
        if next.strategy.populations.contains(where: { $0.method != nil && changed.contains($0.id) }) {
            s.givenVersion += 1
            s.groupGiven = [:]
        }
        s.template = next
        s.generation += 1
        s.isSaved = TemplateWriter.json(next) == s.savedJSON
        guard !changed.isEmpty else { return }
        for i in s.samples.indices where !s.samples[i].unreadable {
            if s.samples[i].failure != nil {
                // Gating failed with the previous template (a marker it lacks, say): try the new one from the start.
                s.samples[i].failure = nil
                s.samples[i].stale = Set(next.strategy.populations.map(\.id))
            } else {
                s.samples[i].stale.formUnion(changed)
            }
        }
        if let preview = s.preview, let population = try? Self.population(preview.population, in: next),
           let parent = population.parent, let owner = try? Self.population(parent, in: next), changed.contains(owner.id) {
            s.preview = nil
        }
    }

    /// Population ids whose gate differs between the two templates, and every population depending on them
    /// (children, boolean gates over them, `ref` gates copying them), transitively.
    static func affected(from old: GatingTemplate, to new: GatingTemplate) -> Set<String> {
        let before = Dictionary(old.strategy.populations.map { ($0.id, TemplateWriter.population($0)) }, uniquingKeysWith: { a, _ in a })
        var affected = Set(new.strategy.populations.filter { before[$0.id] != TemplateWriter.population($0) }.map(\.id))
        guard !affected.isEmpty else { return [] }
        var owner: [String: String] = [:]
        for population in new.strategy.populations { for id in resultIDs(population) { owner[id] = population.id } }
        var grew = true
        while grew {
            grew = false
            for population in new.strategy.populations where !affected.contains(population.id) {
                var references = population.parent.map { [$0] } ?? []
                if case .boolean(let gate) = population.gate { references += gate.operands.map(\.reference) }
                if case .ref(let other)? = population.method?.kind { references.append(other) }
                if references.contains(where: { owner[$0].map(affected.contains) ?? false }) {
                    affected.insert(population.id)
                    grew = true
                }
            }
        }
        return affected
    }

    // MARK: Background gating

    /// One sample to gate: what the worker needs, copied under the lock.
    struct Job {
        var index: Int
        var generation: Int
        var template: GatingTemplate
        var known: [String: EventSet]
    }

    /// The stored events a re-gate of sample `index` starts from: every population not stale, except those whose
    /// decision a stale `ref` gate copies (the engine records decisions only for what it gates).
    static func known(_ sample: SampleState, template: GatingTemplate) -> [String: EventSet] {
        var again = sample.stale
        var grew = true
        while grew {
            grew = false
            for population in template.strategy.populations where again.contains(population.id) {
                guard case .ref(let other)? = population.method?.kind,
                      let owner = try? Self.population(other, in: template), again.insert(owner.id).inserted else { continue }
                grew = true
            }
        }
        var known: [String: EventSet] = [:]
        for population in template.strategy.populations where !again.contains(population.id) {
            for id in resultIDs(population) { known[id] = sample.membership[id] }
        }
        return known
    }

    /// The gates given to the engine for sample `index`, as the batch gives them: its overrides, resolved on its
    /// file, and when the template decides gates per group, its group's pooled gates and (for a control) the
    /// matched stained tube's gates on the control's own marker. A tube whose overrides cannot be applied fails.
    func given(_ index: Int, template: GatingTemplate, sample: Sample) throws -> [String: GateDecision] {
        guard let groups else { return try overrides.decisions(forSample: samples[index].id, template: template, sample: sample) }
        let decided = groupDecisions(groupOf[index], members: groups[groupOf[index]])
        if let failure = decided.failures[samples[index].id] { throw failure }
        // A tube the group could not read when it was decided (nor decide anything for) keeps its own overrides.
        return try decided.given[samples[index].id] ?? overrides.decisions(forSample: samples[index].id, template: template, sample: sample)
    }

    /// A group's decisions with the current template (``GroupGates``, reading the group's files), kept until an
    /// edit changes a data-driven population. A job of an older template may get a newer template's decisions:
    /// its result is discarded anyway.
    func groupDecisions(_ group: Int, members: [Int]) -> GroupDecisions {
        groupLocks[group].lock()
        defer { groupLocks[group].unlock() }
        let (cached, version, template) = state.withLock { s in (s.groupGiven[group], s.givenVersion, s.template) }
        if let cached, cached.version == version { return cached }
        let decided = GroupGates(template: template, overrides: overrides).decisions(for: members.map { entries[$0] }, reading: reading)
        let result = GroupDecisions(version: version, given: decided.given, failures: decided.failures)
        state.withLock { s in if s.givenVersion == version { s.groupGiven[group] = result } }
        return result
    }

    /// A sample's stored decisions updated with a session's: what the session took as known keeps its decision,
    /// what it gated has a new one.
    static func merged(_ stored: [String: GateDecision], known: [String: EventSet], with decisions: [GateDecision]) -> [String: GateDecision] {
        var merged = stored.filter { known[$0.key] != nil }
        for decision in decisions { merged[decision.population] = decision }
        return merged
    }

    func startWorkers() {
        let wanted = state.withLock { s -> Int in
            let waiting = s.samples.filter { !$0.stale.isEmpty && !$0.claimed }.count
            let more = max(0, min(jobs, waiting) - s.working)
            s.working += more
            return more
        }
        for _ in 0..<wanted {
            DispatchQueue.global(qos: .userInitiated).async { self.work() }
        }
    }

    private func work() {
        while let job = claim() {
            let outcome: Result<(Int, [String: EventSet], [GateDecision]), Error>
            var unreadable = false
            do {
                let sample: Sample
                do {
                    sample = try FCSFile.readSample(samples[job.index].file, options: reading)
                } catch {
                    unreadable = true
                    throw error
                }
                let session = try GatingSession(strategy: job.template.strategy(for: sample), sample: sample, known: job.known,
                                                given: given(job.index, template: job.template, sample: sample))
                outcome = .success((sample.eventCount, session.result.membership, session.result.decisions))
            } catch {
                outcome = .failure(error)
            }
            state.withLock { s in
                s.samples[job.index].claimed = false
                // A newer template: this result is of no use; the sample is still stale and is taken again.
                guard s.generation == job.generation else { return }
                var sample = s.samples[job.index]
                switch outcome {
                case .success(let (eventCount, membership, decisions)):
                    sample.eventCount = eventCount
                    sample.membership = membership
                    sample.decisions = Self.merged(sample.decisions, known: job.known, with: decisions)
                    sample.counts = membership.mapValues(\.count)
                    if s.isSaved { sample.baseline = Self.percents(sample.counts, eventCount: eventCount, template: s.template) }
                case .failure(let error):
                    sample.failure = "\(error)"
                    sample.unreadable = unreadable
                    sample.membership = [:]
                    sample.decisions = [:]
                    sample.counts = [:]
                }
                sample.stale = []
                s.samples[job.index] = sample
            }
        }
    }

    private func claim() -> Job? {
        state.withLock { s -> Job? in
            guard let index = s.samples.indices.first(where: { !s.samples[$0].stale.isEmpty && !s.samples[$0].claimed }) else {
                s.working -= 1
                return nil
            }
            s.samples[index].claimed = true
            return Job(index: index, generation: s.generation, template: s.template, known: Self.known(s.samples[index], template: s.template))
        }
    }

    /// % of parent per result id (NaN-free: an empty parent is left out).
    static func percents(_ counts: [String: Int], eventCount: Int, template: GatingTemplate) -> [String: Double] {
        var result: [String: Double] = [:]
        for population in template.strategy.populations {
            let parentCount = population.parent.map { counts[$0] ?? 0 } ?? eventCount
            for id in resultIDs(population) where parentCount > 0 {
                result[id] = 100 * Double(counts[id] ?? 0) / Double(parentCount)
            }
        }
        return result
    }
}
