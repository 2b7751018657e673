import FCS

/// Whether a template fits a sample (`flowstudy template validate --sample`): every problem at once, and what was
/// found when there is none.
public enum TemplateCheck {
    /// Every marker the gates and readouts name that the sample lacks (or carries twice), every channel no
    /// parameter or matrix provides, and, when those are all found, what gating the sample reports. Empty when
    /// the template fits.
    public static func problems(_ template: GatingTemplate, on sample: Sample) -> [String] {
        var problems: [String] = []
        var markers: [String] = []
        var channels: [String] = []
        for population in template.strategy.populations {
            for dimension in population.gate.dimensions {
                switch dimension.source {
                case .marker(let marker): markers.append(marker)
                case .channel(let channel): channels.append(channel)
                case .ratio(let id):
                    if case .ratio(_, let numerator, let denominator)? = template.strategy.transforms[id] { channels += [numerator, denominator] }
                }
            }
        }
        markers += template.readouts.map(\.marker)
        var seen = Set<String>()
        for marker in markers where seen.insert(template.markerKey(marker)).inserted {
            do {
                _ = try template.parameterIndex(forMarker: marker, in: sample)
            } catch let error as GatingError {
                problems.append(error.message)
            } catch {
                problems.append("marker '\(marker)': \(error)")
            }
        }
        let fluorochromes = Set(template.strategy.matrices.values.flatMap(\.fluorochromes))
        var seenChannels = Set<String>()
        for channel in channels where seenChannels.insert(channel).inserted {
            if sample.parameterIndex(channel) == nil && !fluorochromes.contains(channel) {
                problems.append("channel '\(channel)': expected a parameter named so by $PnN or $PnS (\(sample.parameters.map(\.name).joined(separator: ", ")))")
            }
        }
        guard problems.isEmpty else { return problems }
        do {
            let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
            for reference in references(session) {
                do {
                    _ = try session.compensationMatches(reference)
                } catch {
                    problems.append("compensation \(reference.gatingMLName): \(error)")
                }
            }
        } catch {
            problems.append("\(error)")
        }
        return problems
    }

    /// What was found, for a template that fits: the populations gated, each marker's channel and each
    /// compensation's channel matches.
    public static func report(_ template: GatingTemplate, on sample: Sample) -> [String] {
        guard let session = try? GatingSession(strategy: template.strategy(for: sample), sample: sample) else { return [] }
        var lines = ["\(sample.file): every marker and channel found; \(session.result.ids.count) populations gated"]
        for marker in template.panel {
            if let channel = try? template.channel(forMarker: marker.name, in: sample) { lines.append("  marker \(marker.name) → \(channel)") }
        }
        for reference in references(session) {
            for match in (try? session.compensationMatches(reference)) ?? [] {
                lines.append("  compensation \(reference.gatingMLName): \(match.channel) → \(match.parameter) (by \(match.match))")
            }
        }
        return lines
    }

    static func references(_ session: GatingSession) -> [CompensationReference] {
        Set(session.strategy.populations.flatMap { $0.gate.dimensions.map(\.compensation) })
            .filter { $0 != .uncompensated }.sorted { $0.gatingMLName < $1.gatingMLName }
    }
}
