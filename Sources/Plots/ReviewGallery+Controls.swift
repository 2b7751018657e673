import Gating

extension ReviewGallery {
    /// The markers a gate reads, keyed as the template's panel keys them (a channel dimension through the panel's
    /// channels, else by its own name).
    func markerKeys(_ population: Population) -> Set<String> {
        Set(population.gate.dimensions.compactMap { dimension -> String? in
            switch dimension.source {
            case .marker(let name): return template.markerKey(name)
            case .channel(let name):
                let key = GatingTemplate.normalised(name)
                if let marker = template.panel.first(where: { $0.channels.contains { GatingTemplate.normalised($0) == key } }) {
                    return template.markerKey(marker.name)
                }
                return template.markerKey(name)
            case .ratio: return nil
            }
        })
    }

    /// The kind a tube is compared within: stained samples together, each control type and marker apart.
    func kind(_ entry: Entry) -> String {
        guard let type = entry.controlType, let marker = entry.controlMarker else { return OutlierRule.stained }
        return OutlierRule.kind(controlType: type, marker: template.panelMarker(named: marker)?.name ?? GatingTemplate.normalised(marker))
    }

    /// Whether `column` is a gate on the marker `entry` is a control for (an FMO tube's own marker: ≈ 0 % by design).
    func isOwnMarkerGate(_ column: Population, of entry: Entry) -> Bool {
        guard entry.controlType != nil, let marker = entry.controlMarker else { return false }
        return markerKeys(column).contains(template.markerKey(marker))
    }

    /// For each stained entry (by index), the controls (entry indices, FMO before isotype) to overlay on each of its
    /// one-dimensional gates: the tubes of the same subject and condition controlling that gate's marker.
    func matchedControls() -> [Int: [String: [Int]]] {
        let controls = entries.indices.filter { entries[$0].controlType != nil && entries[$0].controlMarker != nil }
        guard !controls.isEmpty else { return [:] }
        let histogramColumns = columns.filter { $0.gate.dimensions.count == 1 }.map { ($0.id, markerKeys($0)) }
        var matched: [Int: [String: [Int]]] = [:]
        for (index, entry) in entries.enumerated() where entry.controlType == nil && !entry.subject.isEmpty && !entry.condition.isEmpty {
            for (column, keys) in histogramColumns {
                let found = controls.filter { c in
                    let control = entries[c]
                    return control.subject == entry.subject && control.condition == entry.condition
                        && keys.contains(template.markerKey(control.controlMarker ?? ""))
                }.sorted { (entries[$0].controlType == "FMO" ? 0 : 1, $0) < (entries[$1].controlType == "FMO" ? 0 : 1, $1) }
                if !found.isEmpty { matched[index, default: [:]][column] = found }
            }
        }
        return matched
    }

    /// The outliers of `cells`, gate by gate, each tube compared within its kind, a control's own-marker gates left out.
    func outliers(_ cells: [Cell]) -> [OutlierRule.Outlier] {
        let byID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var flagged: [OutlierRule.Outlier] = []
        for column in columns {
            var values: [OutlierRule.Value] = []
            for cell in cells where cell.population == column.id {
                guard let percent = cell.percent, let entry = byID[cell.sample], !isOwnMarkerGate(column, of: entry) else { continue }
                values.append(OutlierRule.Value(sample: cell.sample, kind: kind(entry), percent: percent))
            }
            flagged += outlierRule.outliers(of: column.id, values)
        }
        return flagged
    }
}
