import Foundation
import Gating
import Tables

extension EditorSession {
    /// What a save wrote and changed.
    public struct SaveReport: Codable, Sendable {
        /// One sample's change of one population's %.
        public struct Change: Codable, Sendable {
            /// The sample id.
            public var sample: String
            /// The result id.
            public var population: String
            /// % of parent before (as last saved) and after; nil when the parent was empty.
            public var before: Double?, after: Double?
        }
        /// The template written.
        public var path: String
        /// Where the file it replaced was kept (`T.json.3`), nil when there was none.
        public var previous: String?
        /// JSON paths of the changed gates and thresholds, with the population id: `populations[4].gate (CD206+)`.
        public var changed: [String]
        /// Every sample × population whose % changed since the last save.
        public var changes: [Change]
    }

    /// Validates the template, keeps the file it replaces as the next numbered version (`T.json.1`, `T.json.2`, …)
    /// and writes the template atomically. Nothing is written when validation fails, or when the file already holds
    /// exactly this template.
    public func save() throws -> SaveReport {
        try state.withLock { s in
            let text = TemplateWriter.json(s.template)
            let folder = (templatePath as NSString).deletingLastPathComponent
            let reread: GatingTemplate
            do {
                reread = try TemplateReader.read(text, name: templatePath, folder: folder.isEmpty ? "." : folder)
            } catch let error as TemplateError {
                throw EditorError(.invalidTemplate, place: templatePath, "nothing written: " + error.issues.map(\.description).joined(separator: "; "))
            }
            guard TemplateWriter.json(reread) == text else {
                throw EditorError(.invalidTemplate, place: templatePath, "nothing written: the template does not read back as written")
            }
            var previous: String?
            let onDisk = try? InputFile.bytes(templatePath)
            if let onDisk, onDisk.elementsEqual(text.utf8) {
                // Saved again unchanged: the file already holds these bytes, so no version is kept and nothing written.
            } else if let bytes = onDisk {
                let name = try Self.nextVersion(of: templatePath)
                do {
                    try AtomicFile.write(bytes, to: name)
                    try AtomicFile.write(text, to: templatePath)
                } catch {
                    throw EditorError(.write, place: templatePath, "expected to write the template and its previous version: \(error)")
                }
                previous = name
            } else {
                do { try AtomicFile.write(text, to: templatePath) } catch {
                    throw EditorError(.write, place: templatePath, "expected to write the template: \(error)")
                }
            }
            let changed = Self.changedPaths(from: s.saved, to: s.template)
            var changes: [SaveReport.Change] = []
            for i in samples.indices where s.samples[i].failure == nil {
                let now = Self.percents(s.samples[i].counts, eventCount: s.samples[i].eventCount, template: s.template)
                let before = s.samples[i].baseline ?? [:]
                for id in s.template.strategy.resultIDs {
                    let a = before[id], b = now[id]
                    if a != b, abs((a ?? .nan) - (b ?? .nan)) > 1e-9 || (a == nil) != (b == nil) {
                        changes.append(SaveReport.Change(sample: samples[i].id, population: id, before: a, after: b))
                    }
                }
                if s.samples[i].stale.isEmpty { s.samples[i].baseline = now }
            }
            s.saved = s.template
            s.savedJSON = text
            s.isSaved = true
            return SaveReport(path: templatePath, previous: previous, changed: changed, changes: changes)
        }
    }

    /// `T.json.(n + 1)` for the highest `n` already beside the template (a name `T.json.9223372036854775807`,
    /// which has no next, is left out); an error rather than replacing a file of that name.
    static func nextVersion(of path: String) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        let highest = names.compactMap { name -> Int? in
            guard name.hasPrefix(base + "."), let n = Int(name.dropFirst(base.count + 1)), n > 0, n < Int.max else { return nil }
            return n
        }.max() ?? 0
        let next = path + ".\(highest + 1)"
        // Anything at that name, a dangling link included (attributesOfItem does not follow links).
        guard (try? FileManager.default.attributesOfItem(atPath: next)) == nil else {
            throw EditorError(.write, place: next, "nothing written: expected a free name for the previous version, found this file")
        }
        return next
    }

    /// JSON paths of the gates and readout thresholds that differ, in template order.
    static func changedPaths(from old: GatingTemplate, to new: GatingTemplate) -> [String] {
        var paths: [String] = []
        let before = Dictionary(old.strategy.populations.map { ($0.id, TemplateWriter.population($0)) }, uniquingKeysWith: { a, _ in a })
        for (index, population) in new.strategy.populations.enumerated() where before[population.id] != TemplateWriter.population(population) {
            paths.append("populations[\(index)].gate (\(population.id))")
        }
        for (index, readout) in new.readouts.enumerated() where index >= old.readouts.count || old.readouts[index] != readout {
            paths.append("readouts[\(index)].threshold (\(readout.marker) on \(readout.population))")
        }
        return paths
    }
}
