import Foundation
import Gating
import Plots

extension EditorSession {
    /// What the page shows outside the plot: the tree, each sample's counts, progress, outliers, history.
    public struct Snapshot: Codable, Sendable {
        /// A population of the tree.
        public struct Node: Codable, Sendable {
            /// The population (gate) id.
            public var id: String
            /// Its parent's result id, nil for all events.
            public var parent: String?
            /// `rectangle`, `polygon`, `ellipse`, `quadrant` or `boolean`.
            public var kind: String
            /// The dimensions' labels (marker or channel, transform).
            public var dimensions: [String]
            /// The result ids it gives (its quadrants for a quadrant gate).
            public var results: [String]
            /// A data-driven gate's method (`mindensity`, `density`, …): computed per sample, not editable here.
            public var method: String?
            /// A pooled method's `group_by` columns (one gate per group of tubes).
            public var pooledBy: [String]?
        }

        /// A sample's gate that is not the template's: computed, pooled, an override or a fallback.
        public struct Decision: Codable, Sendable {
            /// The population (a quadrant gate's own id).
            public var population: String
            /// `computed`, `pooled:<key>`, `override` or `fallback`.
            public var source: String
            /// The method that decided (or the fixed gate's type).
            public var method: String
            /// `REASON:…` of an override, a method's failure (`TOO_FEW_EVENTS:…`, `NA`), `FROM:<sample>`, ….
            public var flags: [String]
        }

        /// One sample's row.
        public struct Row: Codable, Sendable {
            /// The sample id.
            public var id: String
            /// `FMO CD206` etc., nil for a stained sample.
            public var control: String?
            /// Why the file could not be read or gated.
            public var failure: String?
            /// Whether some populations are still being gated with the current template.
            public var pending: Bool
            /// Events in the file.
            public var events: Int
            /// Count per result id.
            public var counts: [String: Int]
            /// % of parent per result id.
            public var percent: [String: Double]
            /// % of parent per result id with the template as last saved.
            public var saved: [String: Double]?
            /// This sample's gates that are not the template's, in template order (populations not stale only).
            public var decisions: [Decision]
        }

        /// A readout whose threshold is a control percentile (editable).
        public struct Readout: Codable, Sendable {
            /// Index in the template's readouts.
            public var index: Int
            /// The marker.
            public var marker: String
            /// The population.
            public var population: String
            /// The control kind (FMO, isotype).
            public var control: String
            /// The percentile.
            public var percentile: Double
        }

        /// The template's file name.
        public var template: String
        /// Bumped by every edit, undo and redo.
        public var generation: Int
        /// Whether there is something to undo / redo.
        public var canUndo: Bool, canRedo: Bool
        /// Whether the template equals the file as last saved.
        public var saved: Bool
        /// Samples gated with the current template (or failed), and all samples.
        public var done: Int, total: Int
        /// The tree, in template order.
        public var nodes: [Node]
        /// The samples, in sheet order.
        public var samples: [Row]
        /// Result id → sample ids whose % stands out among the stained samples (the gallery's ``OutlierRule``:
        /// beyond median ± 3 MAD and at least 2 points from the median).
        public var outliers: [String: [String]]
        /// Readouts with a control threshold.
        public var readouts: [Readout]
    }

    /// The gallery's outlier rule, on the stained samples (a control's own-marker gate is ≈ 0 % by design).
    static let outlierRule = OutlierRule()

    /// The current state.
    public func snapshot() -> Snapshot {
        state.withLock { s in
            let template = s.template
            let nodes = template.strategy.populations.map { population in
                Snapshot.Node(id: population.id, parent: population.parent, kind: GateShape(population.gate).kind,
                              dimensions: ((population.method?.dimensions).flatMap { $0.isEmpty ? nil : $0 } ?? population.gate.dimensions).map(\.label), results: Self.resultIDs(population),
                              method: population.method?.name, pooledBy: population.method.flatMap { $0.pool ? $0.groupBy : nil })
            }
            let rows = samples.indices.map { i in
                let sample = s.samples[i]
                return Snapshot.Row(id: samples[i].id, control: samples[i].control, failure: sample.failure,
                                    pending: !sample.stale.isEmpty || sample.claimed, events: sample.eventCount, counts: sample.counts,
                                    percent: sample.failure == nil ? Self.percents(sample.counts, eventCount: sample.eventCount, template: template) : [:],
                                    saved: sample.baseline,
                                    decisions: template.strategy.populations.compactMap { population in
                                        guard sample.failure == nil, !sample.stale.contains(population.id), let d = sample.decisions[population.id],
                                              d.source != .template else { return nil }
                                        return Snapshot.Decision(population: d.population, source: d.source.text, method: d.method, flags: d.flags)
                                    })
            }
            var outliers: [String: [String]] = [:]
            for id in template.strategy.resultIDs {
                let values = rows.filter { $0.control == nil && $0.failure == nil && !$0.pending }.compactMap { row in
                    row.percent[id].map { OutlierRule.Value(sample: row.id, kind: OutlierRule.stained, percent: $0) }
                }
                let flagged = Self.outlierRule.outliers(of: id, values).map(\.sample)
                if !flagged.isEmpty { outliers[id] = flagged }
            }
            let readouts = template.readouts.enumerated().compactMap { index, readout -> Snapshot.Readout? in
                guard case .control(let kind, let percentile) = readout.threshold else { return nil }
                return Snapshot.Readout(index: index, marker: readout.marker, population: readout.population, control: kind, percentile: percentile)
            }
            return Snapshot(template: (templatePath as NSString).lastPathComponent, generation: s.generation,
                            canUndo: !s.undo.isEmpty, canRedo: !s.redo.isEmpty, saved: s.isSaved,
                            done: s.samples.filter { $0.stale.isEmpty && !$0.claimed }.count, total: samples.count,
                            nodes: nodes, samples: rows, outliers: outliers, readouts: readouts)
        }
    }
}
