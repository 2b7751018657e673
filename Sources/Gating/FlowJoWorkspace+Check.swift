import FCS
import Foundation

extension FlowJoWorkspace {
    /// One population of one sample: the count FlowStudy gives beside the count FlowJo saved.
    public struct CountComparison: Sendable, Equatable {
        /// The sample's FCS file name (`SampleNode/@name`).
        public var sample: String
        /// FlowJo's slash path of the population.
        public var path: String
        /// Events FlowStudy's gating of the imported template counts.
        public var flowStudy: Int
        /// Events FlowJo saved, or nil when the workspace holds no count for this population.
        public var flowJo: Int?

        /// Whether both counts are known and differ.
        public var differs: Bool { flowJo.map { $0 != flowStudy } ?? false }
    }

    /// `template import-wsp --check`: gates every sample `imported` was read for (the group's members, the one
    /// sample, or all) whose FCS file is in `folder` with the imported template (each member's sample-specific
    /// gates put in place), and pairs each imported population's count with FlowJo's saved one.
    ///
    /// Returns the comparisons, sample by sample in workspace order, and the names of the samples whose files are
    /// not in `folder`. A file that cannot be read throws its `FCSError`; one that cannot be gated a
    /// ``GatingError`` naming the file.
    public func compareCounts(_ imported: Imported, group: String?, sample: String?, folder: String,
                              reading: FCSReadOptions = FCSReadOptions()) throws -> (comparisons: [CountComparison], missing: [String]) {
        let members = group.flatMap { self.group(named: $0)?.sampleIDs }
        var comparisons: [CountComparison] = []
        var missing: [String] = []
        for entry in samples where members?.contains(entry.id) ?? (sample == nil || entry.name == sample) {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(entry.name).path
            guard FileManager.default.fileExists(atPath: path) else {
                missing.append(entry.name)
                continue
            }
            let fcs = try FCSFile.readSample(path, options: reading)
            let result: GatingResult
            do {
                // Overrides are in the template's terms (markers too): put in place before markers are resolved.
                var own = imported.template
                own.strategy = imported.overrides.strategy(own.strategy, forSample: Self.sampleID(entry.name))
                result = try GatingEngine.evaluate(try own.strategy(for: fcs), on: fcs)
            } catch let error as GatingError {
                throw GatingError(error.code, place: "\(path): \(error.place)", error.message)
            }
            for id in imported.template.strategy.resultIDs {
                guard let flowJoPath = imported.paths[id] else { continue }
                // FlowJo writes -1 for a population it never computed: no count to compare.
                let saved = entry.nodes.first { $0.path == flowJoPath }?.count
                comparisons.append(CountComparison(sample: entry.name, path: flowJoPath, flowStudy: result.count(id),
                                                   flowJo: saved.flatMap { $0 >= 0 ? $0 : nil }))
            }
        }
        return (comparisons, missing)
    }
}
