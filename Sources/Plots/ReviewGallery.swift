import Tables
import FCS
import Foundation
import Batch
import Gating
import Synchronization

/// A static gate-review gallery: `index.html` (outliers first, what changed since the last run, then a grid of
/// samples × gates), a page per gate (a strip of every sample) and a page per sample, with PNG images and no
/// external assets, so it opens from `file://`.
///
/// Each cell is cached under a key that hashes the sample file's bytes and the template nodes the cell depends on
/// (the gate, the gates drawn beside it, their ancestors, and the transforms, matrices and compensation they use).
/// A rerun after a template edit draws only the cells whose key changed; `manifest.json` lists every key.
public struct ReviewGallery: Sendable {
    /// One sample to review.
    public struct Entry: Sendable {
        /// The sample id shown in the gallery.
        public var id: String
        /// The FCS file.
        public var file: String
        /// The subject (patient or donor); empty when unknown (a folder of files).
        public var subject: String = ""
        /// The condition (UT, RUX…); empty when unknown.
        public var condition: String = ""
        /// `FMO` or `isotype` for a control tube, nil for a stained sample.
        public var controlType: String?
        /// The marker a control leaves out (FMO) or replaces (isotype).
        public var controlMarker: String?
        /// Every column of the sample sheet (a pooled gate's `group_by` keys among them).
        public var columns: [String: String] = [:]
        /// Creates an entry.
        public init(id: String, file: String) { self.id = id; self.file = file }
        /// Creates an entry with the sample sheet's metadata: controls are compared with their own kind and overlaid
        /// on the histograms of the stained sample of the same subject and condition.
        public init(id: String, file: String, subject: String, condition: String, controlType: String? = nil, controlMarker: String? = nil) {
            self.id = id
            self.file = file
            self.subject = subject
            self.condition = condition
            self.controlType = controlType
            self.controlMarker = controlMarker
        }
        /// The entry of a sample-sheet tube, with every column of its row.
        public init(_ tube: SampleSheet.Entry) {
            self.init(id: tube.sampleID, file: tube.file, subject: tube.subjectID, condition: tube.condition,
                      controlType: tube.controlType, controlMarker: tube.controlMarker)
            columns = tube.columns
        }
        /// The tube as the batch sees it.
        var tube: SampleSheet.Entry {
            SampleSheet.Entry(sampleID: id, file: file, subjectID: subject, condition: condition, controlType: controlType,
                              controlMarker: controlMarker, columns: columns)
        }
    }

    /// One cell of the grid.
    public struct Cell: Sendable, Codable, Equatable {
        /// The sample id.
        public var sample: String
        /// The population whose gate the cell shows.
        public var population: String
        /// The cache key: SHA-256 of the file's hash, the template text the cell depends on and the image size.
        public var key: String
        /// The image, relative to the gallery folder.
        public var image: String
        /// The population's % of its parent (nil when the parent is empty).
        public var percent: Double?
        /// Whether this run drew the image (false: reused from the cache).
        public var drawn: Bool
        /// The plot's x axis (marker, channel, transform; ticks in data units), for the labels drawn around the image.
        public var x: Axis?
        /// The plot's y axis (a marker, or "% of events per bin" on a histogram).
        public var y: Axis?
        /// What a histogram's marks mean: the sample's bars, each control overlaid, the kept side.
        public var legend: [GatePlot.LegendEntry]?
        /// The controls overlaid on the histogram (sample ids).
        public var controls: [String]?
        /// Where this sample's gate came from when it is not the template's fixed gate: `computed` (a data-driven
        /// method), `pooled:<group>`, `override` or `fallback` (``GateDecision/Source``); nil for the template's.
        public var source: String?
        /// The gate decision's flags (`REASON:…` of an override, a method's fallback reason); nil when none.
        public var flags: [String]?

        /// Whether the gallery lists the cell among the gates decided apart from the template: overrides and fallbacks.
        var isExceptional: Bool { source == "override" || source == "fallback" }
    }

    /// What a run produced.
    public struct Result: Sendable {
        /// Every cell, samples in entry order, gates in template order.
        public var cells: [Cell]
        /// Samples that could not be read or gated, with the reason.
        public var failures: [(String, String)]
        /// (population, sample, |Δ%|) of the largest changes since the previous run.
        public var changes: [(String, String, Double)]
        /// The gate %s that stand out within their kind of tube (``OutlierRule``), gates in template order.
        public var flagged: [OutlierRule.Outlier]
        /// Whether no previous gallery was there to compare with (so nothing can have changed).
        public var firstRun: Bool
        /// (population, sample, %, median, MAD) of ``flagged``.
        public var outliers: [(String, String, Double, Double, Double)] { flagged.map { ($0.population, $0.sample, $0.percent, $0.median, $0.mad) } }
    }

    /// The gating template.
    public var template: GatingTemplate
    /// The template's own text; its hash is recorded in the manifest (cell keys hash only the nodes a cell depends on,
    /// so an edit elsewhere in the template keeps the cell).
    public var templateText: String
    /// The samples, in the order shown.
    public var entries: [Entry]
    /// Samples drawn at once.
    public var jobs: Int
    /// Cell size in pixels.
    public var size: Int
    /// How FCS files are read (the same leniency options as every other command).
    public var reading: FCSReadOptions
    /// Which gate %s are listed as outliers.
    public var outlierRule: OutlierRule
    /// Per-sample gates replacing the template's (`flowstudy-overrides/1`), drawn and listed as the batch uses them.
    public var overrides: GateOverrides

    /// A gallery of `entries` gated with `template` (whose text is `templateText`).
    public init(template: GatingTemplate, templateText: String, entries: [Entry], jobs: Int = 2, size: Int = 220,
                reading: FCSReadOptions = FCSReadOptions(), outlierRule: OutlierRule = OutlierRule(), overrides: GateOverrides = GateOverrides()) {
        self.template = template
        self.templateText = templateText
        self.entries = entries
        self.jobs = max(jobs, 1)
        self.size = size
        self.reading = reading
        self.outlierRule = outlierRule
        self.overrides = overrides
    }

    /// Bytes of control overlays kept between the two passes of a build (256 MiB: 32 million events).
    static let overlayBudget = 256 << 20

    /// Bumped when cells are drawn differently, so a rerun redraws cached images of an older FlowStudy.
    static let drawingVersion = "3"

    /// The populations that get a column: gates with axes (boolean gates have none).
    var columns: [Population] { template.strategy.populations.filter { !$0.gate.dimensions.isEmpty } }

    func node(_ id: String) -> Population? { template.strategy.populations.population(resulting: id) }

    /// The template text of `nodes`, the transforms they name, the compensation and the panel (markers decide channels).
    func text(of nodes: [Population]) -> String {
        var text = nodes.map { TemplateWriter.population($0) }.joined(separator: "\n")
        let transformIDs = Set(nodes.flatMap { $0.gate.dimensions.compactMap(\.transform) })
        for id in transformIDs.sorted() { if let t = template.strategy.transforms[id] { text += "\n\(id)=\(TemplateWriter.transform(t))" } }
        text += "\ncompensation=\(template.compensation)"
        text += "\npanel=" + template.panel.map { "\($0.name):\($0.aliases):\($0.channels)" }.joined(separator: ";")
        return text
    }

    /// The template text a cell depends on: the gates drawn in it and their lineage.
    func dependencyText(_ population: Population) -> String {
        let populations = template.strategy.populations
        return text(of: populations.lineage(of: populations.plotted(with: population)))
    }

    /// Builds the gallery in `folder`, reusing images listed in its previous `manifest.json`.
    ///
    /// The gallery is one output set (``OutputFolder``): it is built beside `folder` and switched into place when
    /// complete, so an interrupted run (`cancelled` returning true, checked between samples) leaves the previous
    /// gallery whole and throws `CancellationError`. Reused images and stored events are carried over by link.
    /// `previous` names where the last gallery is when it is not `folder` itself (a study run builds its gallery
    /// inside a staging folder and reuses the one in the study folder it will replace).
    public func build(in folder: String, previous: String? = nil, cancelled: @escaping @Sendable () -> Bool = { false }) throws -> Result {
        let output = try OutputFolder(folder, previousRun: previous)
        let manifestBefore = (try? InputFile.bytes(output.previous("manifest.json"))).flatMap { try? JSONDecoder().decode(Manifest.self, from: Data($0)) }
        let previous: [Cell] = manifestBefore?.cells ?? []
        let knownFiles = manifestBefore?.files ?? [:]
        let previousCells = Dictionary(previous.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let dependencies = Dictionary(uniqueKeysWithValues: columns.map { ($0.id, FileHash.sha256(Data(dependencyText($0).utf8))) })
        let parents = Set(columns.compactMap(\.parent)).compactMap(node)
        let membership = Dictionary(parents.map { ($0.id, FileHash.sha256(Data(text(of: template.strategy.populations.lineage(of: [$0])).utf8))) }, uniquingKeysWith: { a, _ in a })
        let controls = matchedControls()
        // Gates a group decides together (pooled gates, a control's gates on its own marker) are decided first,
        // group by group, as the batch decides them.
        let decided = groupDecisions(cancelled: cancelled)
        let collected = Mutex([(index: Int, cells: [Cell], failure: (String, String)?, file: FileRecord?)]())
        // Controls first: a stained sample's histogram cells name the hash of the control they overlay in their key,
        // and a control drawn in the first pass leaves its overlay behind (its parent's values on the gate's axis),
        // so the second pass does not read it again.
        let controlIndices = Set(controls.values.flatMap { $0.values.flatMap { $0 } })
        let overlaidColumns = controls.values.flatMap { $0.flatMap { column, indices in indices.map { ($0, column) } } }
            .reduce(into: [Int: Set<String>]()) { $0[$1.0, default: []].insert($1.1) }
        let captured = Mutex([Int: [String: GatePlot.Control]]())
        let capturedBytes = Mutex(0)
        for pass in [entries.indices.filter { controlIndices.contains($0) }, entries.indices.filter { !controlIndices.contains($0) }] {
            let hashes = Dictionary(collected.withLock { $0 }.compactMap { item in item.file.map { (item.index, $0.sha256) } }, uniquingKeysWith: { a, _ in a })
            let next = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: min(jobs, max(pass.count, 1))) { _ in
                while true {
                    let position: Int = next.withLock { value in defer { value += 1 }; return value }
                    guard position < pass.count, !cancelled() else { return }
                    let index = pass[position]
                    let entry = entries[index]
                    // The controls of each histogram cell that could be hashed (a control that failed is not overlaid).
                    let overlays = (controls[index] ?? [:]).mapValues { $0.compactMap { c in hashes[c].map { (index: c, hash: $0) } } }
                    let outcome = review(entry, known: knownFiles[entry.file], dependencies: dependencies, membershipText: membership,
                                         decided: decided,
                                         previous: previousCells, controls: overlays, capture: overlaidColumns[index] ?? [],
                                         captured: { captured.withLock { $0 } }, output: output)
                    collected.withLock { $0.append((index, outcome.cells, outcome.failure, outcome.file)) }
                    // Kept up to a budget (the others are read again when needed), so a huge batch's controls do not pile up.
                    let bytes = outcome.overlays.values.reduce(0) { $0 + $1.values.count * 8 }
                    let fits = bytes > 0 && capturedBytes.withLock { total -> Bool in
                        guard total + bytes <= Self.overlayBudget else { return false }
                        total += bytes
                        return true
                    }
                    if fits { captured.withLock { $0[index] = outcome.overlays } }
                }
            }
        }
        if cancelled() {
            output.discard()
            throw CancellationError()
        }
        let ordered = collected.withLock { $0 }.sorted { $0.index < $1.index }
        let cells = ordered.flatMap(\.cells)
        let failures = ordered.compactMap(\.failure)
        // What moved since the last run.
        let before = Dictionary(previous.map { ("\($0.sample)\u{1F}\($0.population)", $0.percent) }, uniquingKeysWith: { a, _ in a })
        var changes: [(String, String, Double)] = []
        for cell in cells {
            if let old = before["\(cell.sample)\u{1F}\(cell.population)"] ?? nil, let new = cell.percent, abs(new - old) > 1e-9 {
                changes.append((cell.population, cell.sample, abs(new - old)))
            }
        }
        changes.sort { $0.2 > $1.2 }
        let result = Result(cells: cells, failures: failures, changes: changes, flagged: outliers(cells), firstRun: manifestBefore == nil)
        try writePages(result, to: output)
        var files: [String: FileRecord] = [:]
        for (entry, outcome) in zip(ordered.map { entries[$0.index] }, ordered) { files[entry.file] = outcome.file }
        let manifest = Manifest(template_sha256: FileHash.sha256(Data(templateText.utf8)), files: files, cells: cells)
        let encoder = JSONEncoder()
        // Compact: every cell carries its axes' ticks, and indentation doubled the file (42 MB for the demo's 4,480
        // cells, 22 MB so); sorted keys keep it the same bytes from run to run.
        encoder.outputFormatting = [.sortedKeys]
        try output.write(Array(try encoder.encode(manifest)), to: "manifest.json")
        // Only what this gallery refers to was written or carried over: the previous run's other images and
        // stored events go with it when the new gallery takes its place.
        try output.commit()
        return result
    }

    struct Manifest: Codable {
        var template_sha256: String
        var files: [String: FileRecord]?
        var cells: [Cell]
    }

    /// A sample file's SHA-256 with the size, modification time and inode it was computed for: while all three are
    /// unchanged a rerun reuses the hash instead of reading the file (as `git` and `make` trust a file's stat).
    struct FileRecord: Codable, Equatable {
        var size: Int
        var modified: Double
        var inode: Int
        var sha256: String

        /// The stat part of the record for `path` (hash left empty), or nil when the file cannot be stat'ed.
        static func stat(_ path: String) -> FileRecord? {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.intValue,
                  let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 else { return nil }
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
            return FileRecord(size: size, modified: modified, inode: inode, sha256: "")
        }

        func sameFile(as other: FileRecord) -> Bool { size == other.size && modified == other.modified && inode == other.inode }
    }

    /// `strategy` with only what drawing `ids` needs: each gate, the gates plotted beside it and their lineage,
    /// in document order. The lineage stops at `known` populations (their events are given), which become roots.
    static func trimmed(_ strategy: GatingStrategy, to ids: Set<String>, known: Set<String> = []) -> GatingStrategy {
        let populations = strategy.populations
        let keep = Set(populations.lineage(of: populations.filter { ids.contains($0.id) }.flatMap(populations.plotted(with:)), stoppingAt: known).map(\.id))
        var trimmed = strategy
        trimmed.populations = populations.filter { keep.contains($0.id) }.map { population in
            var root = population
            if known.contains(population.id) { root.parent = nil }
            return root
        }
        return trimmed
    }

    /// Where a parent population's events are stored: named by the file's hash and the hash of the population's
    /// lineage (with the sample's overrides and group-decided gates, which move its events too).
    static func eventsFile(_ fileHash: String, _ lineage: String) -> String {
        "events/" + FileHash.sha256(Data((fileHash + "\n" + lineage).utf8)).prefix(24) + ".bits"
    }

    /// The cells of one sample: cached ones reused (with their recorded %), the others drawn.
    func review(_ entry: Entry, known: FileRecord?, dependencies: [String: String], membershipText: [String: String],
                decided: [String: GroupGiven] = [:], previous: [String: Cell],
                controls: [String: [(index: Int, hash: String)]], capture: Set<String> = [],
                captured: () -> [Int: [String: GatePlot.Control]] = { [:] },
                output: OutputFolder) -> (cells: [Cell], failure: (String, String)?, file: FileRecord?, overlays: [String: GatePlot.Control]) {
        guard var record = FileRecord.stat(entry.file) else { return ([], (entry.id, "\(entry.file): expected a readable file"), nil, [:]) }
        var sample: Sample?
        if let known, known.sameFile(as: record) {
            record.sha256 = known.sha256
        } else {
            // A new or touched file: hash the bytes while the reader has them mapped.
            do {
                sample = try FCSFile.readSample(entry.file, options: reading) { bytes in record.sha256 = FileHash.sha256(bytes) }
            } catch {
                return ([], (entry.id, "\(error)"), nil, [:])
            }
        }
        let fileHash = record.sha256
        // This sample's overrides and the gates its group decided for it (a pooled gate moves when another tube of
        // its key changes): in every key of its cells and of its stored events, since one anywhere upstream may
        // move them.
        let overridden = overrides.overrides(forSample: entry.id).map { "\noverride=\($0.population):\(TemplateWriter.gate($0.gate)):\($0.reason)" }.joined()
            + ((try? decided[entry.id]?.get()) ?? [:]).values.filter { $0.source != .override }.sorted { $0.population < $1.population }
                .map { "\ngiven=\($0.population):\($0.source.text):\($0.coordinates):\($0.flags.joined(separator: ","))" }.joined()
        // The events of every parent of a column, stored after gating: a rerun that only edits a gate starts from
        // its parent's events instead of gating the whole lineage again.
        let parents = Set(columns.compactMap(\.parent)).sorted().filter { node($0)?.id == $0 }
        let stored = Dictionary(uniqueKeysWithValues: parents.map { id in
            (id, Self.eventsFile(fileHash, (membershipText[id] ?? "") + overridden))
        })
        // Stored events of the previous run that still apply come along, whether or not this run gates.
        let carried = Set(stored.values.filter { (try? output.keep($0)) == true })
        var session: GatingSession?
        func gated() throws -> GatingSession {
            if let session { return session }
            let events = try sample ?? FCSFile.readSample(entry.file, options: reading)
            sample = nil
            var known: [String: EventSet] = [:]
            for id in Set(toDraw.compactMap { node($0)?.parent }) {
                guard let name = stored[id], carried.contains(name), let bytes = try? InputFile.bytes(output.path(name)),
                      let set = EventSet(eventCount: events.eventCount, bytes: bytes) else { continue }
                known[id] = set
            }
            let strategy = Self.trimmed(try template.strategy(for: events), to: Set(toDraw), known: Set(known.keys))
            let given = try decided[entry.id]?.get() ?? overrides.decisions(forSample: entry.id, template: template, sample: events)
            let made = try GatingSession(strategy: strategy, sample: events, known: known, given: given)
            for (id, name) in stored where known[id] == nil {
                if let set = made.result.membership[id] { try output.write(set.bytes, to: name, durable: false) }
            }
            session = made
            return made
        }
        let keys = columns.map { column in
            let overlaid = (controls[column.id] ?? []).map { "\ncontrol=\(entries[$0.index].controlType ?? ""):\($0.hash)" }.joined()
            return FileHash.sha256(Data((fileHash + "\n" + (dependencies[column.id] ?? "") + "\n\(size)" + overlaid + overridden + "\nv" + Self.drawingVersion).utf8))
        }
        let isCached = keys.map { key in
            previous[key] != nil && (try? output.keep("img/\(key.prefix(24)).png")) == true
        }
        // Only the gates the cells to draw depend on are computed (a one-gate edit gates a fraction of the tree).
        let toDraw = zip(columns, isCached).filter { !$0.1 }.map(\.0.id)
        var cells: [Cell] = []
        var overlays: [String: GatePlot.Control] = [:]
        do {
            for (index, column) in columns.enumerated() {
                let key = keys[index]
                let name = "img/\(key.prefix(24)).png"
                let cached = isCached[index]
                if cached, var cell = previous[key] {
                    // Same key: same file, same gates, same controls, same result.
                    cell.sample = entry.id
                    cell.population = column.id
                    cell.image = name
                    cell.drawn = false
                    cells.append(cell)
                    continue
                }
                let session = try gated()
                if capture.contains(column.id), let overlay = try? GatePlot.Control(label: overlayLabel(entry), session: session, population: column.id,
                                                                                     colour: entry.controlType == "FMO" ? .fmo : .isotype) {
                    overlays[column.id] = overlay
                }
                let kept = controls[column.id].map { _ in captured() } ?? [:]
                let overlaid = (controls[column.id] ?? []).compactMap { kept[$0.index]?[column.id] ?? control(entries[$0.index], for: column, decided: decided) }
                let plot = try GatePlot(session: session, population: column.id, size: size, controls: overlaid)
                try output.write(plot.png(), to: name, durable: false)
                let ids = GatePlot.quadrantIDs(column).isEmpty ? [column.id] : GatePlot.quadrantIDs(column)
                let value = session.result.percentOfParent(ids[0])
                let decision = session.result.decisions.first { $0.population == column.id }
                cells.append(Cell(sample: entry.id, population: column.id, key: key, image: name, percent: value.isNaN ? nil : value, drawn: true,
                                  x: plot.x, y: plot.y, legend: plot.legend.isEmpty ? nil : plot.legend,
                                  controls: overlaid.isEmpty ? nil : (controls[column.id] ?? []).map { entries[$0.index].id },
                                  source: decision.flatMap { $0.source == .template ? nil : $0.source.text },
                                  flags: decision.flatMap { $0.flags.isEmpty ? nil : $0.flags }))
            }
        } catch {
            return (cells, (entry.id, "\(error)"), record, overlays)
        }
        return (cells, nil, record, overlays)
    }

    /// A tube's gates decided by its group, or why its overrides could not be applied.
    typealias GroupGiven = Swift.Result<[String: GateDecision], any Error>

    /// Sample id → the gates its group decided for it (``GroupGates``: its overrides, pooled gates, a control's gates
    /// on its own marker), or why its overrides could not be applied; empty when no gate of the template is decided
    /// by a group. Each group's files are read again for this (a pooled gate depends on all of them); tubes that
    /// cannot be read are left out here and reported by their own cells.
    func groupDecisions(cancelled: @Sendable () -> Bool) -> [String: GroupGiven] {
        let tubes = entries.map(\.tube)
        let decider = GroupGates(template: template, overrides: overrides)
        guard decider.needsGroups(tubes) else { return [:] }
        let groups = decider.groups(tubes, matchesControls: tubes.contains(where: \.isControl))
        let found = Mutex([String: GroupGiven]())
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(groups.count, 1))) { _ in
            while true {
                let position: Int = next.withLock { value in defer { value += 1 }; return value }
                guard position < groups.count, !cancelled() else { return }
                let group = groups[position]
                let decisions = decider.decisions(for: group, reading: reading)
                found.withLock { found in
                    // A tube with no decision here (one that could not be read) falls back to its overrides alone.
                    for tube in group {
                        if let failure = decisions.failures[tube.sampleID] { found[tube.sampleID] = .failure(failure) }
                        else if let given = decisions.given[tube.sampleID] { found[tube.sampleID] = .success(given) }
                    }
                }
            }
        }
        return found.withLock { $0 }
    }

    /// A control tube gated as far as `column`'s parent, to overlay on a stained sample's histogram; nil when it
    /// cannot be read or gated (its own row reports why).
    func control(_ entry: Entry, for column: Population, decided: [String: GroupGiven] = [:]) -> GatePlot.Control? {
        guard let sample = try? FCSFile.readSample(entry.file, options: reading),
              let strategy = try? template.strategy(for: sample),
              let given = try? decided[entry.id]?.get() ?? overrides.decisions(forSample: entry.id, template: template, sample: sample),
              let session = try? GatingSession(strategy: Self.trimmed(strategy, to: [column.id]), sample: sample, given: given) else { return nil }
        return try? GatePlot.Control(label: overlayLabel(entry), session: session, population: column.id,
                                     colour: entry.controlType == "FMO" ? .fmo : .isotype)
    }

    /// A control's line in a histogram's legend: `FMO CD206: SSC01_UT_FMO_CD206`.
    func overlayLabel(_ entry: Entry) -> String { "\(entry.controlType ?? "control") \(entry.controlMarker ?? ""): \(entry.id)" }
}
