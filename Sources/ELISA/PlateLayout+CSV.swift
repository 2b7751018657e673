import Tables

extension PlateLayout {
    /// The layout as the tidy CSV that ``csv(_:file:)`` reads: one line per well in plate order, `std_conc` for
    /// standards, the dilution factor for blanks, samples and controls, empty cells for empty wells.
    public func csvBytes() -> [UInt8] {
        let header = ["well", "role", "sample_id", "subject_id", "condition", "std_conc", "dilution_factor"]
        let rows = entries.values.sorted { Well.order($0.well) < Well.order($1.well) }.map { entry -> [String] in
            guard entry.role != .empty else { return [entry.well, "empty", "", "", "", "", ""] }
            return [entry.well, entry.role.rawValue, entry.sampleID, entry.subjectID, entry.condition,
                    entry.concentration.map(csvNumber) ?? "", entry.role == .standard ? "1" : csvNumber(entry.dilution)]
        }
        return csvTable(header: header, rows: rows)
    }
}
