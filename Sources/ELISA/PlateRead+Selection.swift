extension PlateRead {
    /// The plate to analyse among those a file holds: the only one, or the one named `name` (its full name
    /// `<stem>#<n>` or just `<n>`). A file with several plates and no name, or a name it lacks, is an error that
    /// says how many plates there are and names a few.
    public static func select(_ plates: [PlateRead], name: String?, file: String) throws -> PlateRead {
        if plates.count == 1, var only = plates.first {
            if let name { only.name = name }
            return only
        }
        if let name, let chosen = plates.first(where: { $0.name == name || $0.name.hasSuffix("#" + name) }) { return chosen }
        let listed = summary(of: plates.map(\.name))
        if let name {
            throw ELISAError(.unknownPlate, file: file, "expected one of its \(plates.count) plates (\(listed)), found no plate named '\(name)'; `flowstudy elisa --list FILE` lists them")
        }
        throw ELISAError(.severalPlates, file: file,
                         "the file holds \(plates.count) plates (\(listed)): name one with --plate-name or the runs.csv plate column; `flowstudy elisa --list FILE` lists them")
    }

    /// `a, b, c, …, z` for long lists: the first three and the last name.
    static func summary(of names: [String]) -> String {
        guard names.count > 5, let last = names.last else { return names.joined(separator: ", ") }
        return names.prefix(3).joined(separator: ", ") + ", …, " + last
    }

    /// One line per plate for `flowstudy elisa --list`: name, wavelengths, wells read, wells overflowed, wells not
    /// read and the plate's label, tab-separated, under a header.
    public static func listing(_ plates: [PlateRead]) -> [String] {
        ["plate\twavelengths_nm\twells\toverflow\tnot_read\tlabel"] + plates.map { plate in
            let nm = plate.wavelengths.reference.map { "\(plate.wavelengths.measurement)/\($0)" } ?? "\(plate.wavelengths.measurement)"
            let overflow = plate.wells.values.filter { $0.status == .overflow }.count
            let notRead = plate.wells.values.filter { $0.status == .notRead }.count
            return "\(plate.name)\t\(nm)\t\(plate.wells.count)\t\(overflow)\t\(notRead)\t\(plate.label)"
        }
    }
}
