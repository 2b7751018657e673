import Foundation

extension Subject {
    /// Columns `clinical.csv` must have (the rest of OUTCOMES §4 is optional).
    static let requiredColumns = ["subject_id", "group", "age_years", "sex", "ssc_subset", "anti_centromere", "anti_topoisomerase_i",
                                  "anti_rna_polymerase_iii", "mrss", "digital_ulcers", "ild_ct", "pah_echo"]

    /// Columns only an SSc patient may fill (treatments included): empty on every healthy donor's line.
    static let sscOnlyColumns = ["ssc_subset", "disease_duration_years", "acr_eular_2013", "anti_centromere", "anti_topoisomerase_i",
                                 "anti_rna_polymerase_iii", "autoantibody_group", "mrss", "digital_ulcers", "ild_ct", "pah_echo",
                                 "pah_rhc_confirmed", "immunosuppressant", "prednisone_mg_day"]

    /// Reads `clinical.csv`. Returns the subjects and every problem found (unknown values, numbers out of range,
    /// duplicate ids — also ids differing only in case, which would name one subject page on a case-insensitive
    /// file system —, an `autoantibody_group` contradicting the antibody columns, SSc-only columns filled for a
    /// healthy donor). Missing SSc values are allowed: they are counted in the tables, not reported here.
    /// `unread` holds the ids of rows that were not read for a problem of their own (a wrong field count, a
    /// missing or unknown group): the samples of those subjects are not reported as naming unknown subjects.
    static func read(clinical path: String) throws -> (subjects: [Subject], unread: Set<String>, problems: [StudyDataProblems.Problem]) {
        var sheet = try SheetReader(path, required: requiredColumns, syntax: .plain)
        var subjects: [Subject] = []
        /// Lower-cased id → the first row's id and line.
        var seen: [String: (id: String, line: Int)] = [:]
        var unread = Set(sheet.malformedRows.map { sheet.text($0, "subject_id") }.filter { !$0.isEmpty })
        for row in sheet.rows {
            guard let id = sheet.requiredText(row, "subject_id", allowed: "a subject code [A-Za-z0-9_-]+") else { continue }
            if !Self.isValidID(id) {
                sheet.report(.unknownValue, row: row, column: "subject_id", value: id, allowed: "a code of letters, digits, '_' and '-'")
            }
            if let first = seen[id.lowercased()] {
                sheet.report(.duplicate, row: row, column: "subject_id", value: id, allowed: first.id == id
                    ? "a unique id (already on line \(first.line))"
                    : "an id unique ignoring case ('\(first.id)' is on line \(first.line); the two would share one subject page on a case-insensitive file system)")
                continue
            }
            seen[id.lowercased()] = (id, sheet.line(row))
            guard let group = sheet.requiredValue(row, "group", as: Group.self) else {
                unread.insert(id)
                continue
            }
            var subject = Subject(id: id, group: group)
            subject.ageYears = sheet.number(row, "age_years", in: 18...100, integer: true, allowed: "an integer from 18 to 100").map { Int($0) }
            subject.sex = sheet.value(row, "sex", as: Sex.self)
            subject.inclusionDate = sheet.optionalText(row, "inclusion_date")
            if let date = subject.inclusionDate, !Self.isISODate(date) {
                sheet.report(.outOfRange, row: row, column: "inclusion_date", value: date, allowed: "an ISO date YYYY-MM-DD")
            }
            subject.notes = sheet.optionalText(row, "notes")
            if group == .hd {
                for column in sscOnlyColumns {
                    let value = sheet.text(row, column)
                    if !value.isEmpty {
                        sheet.report(.notForHealthyDonor, row: row, column: column, value: value, allowed: "an empty cell for a healthy donor")
                    }
                }
            } else {
                subject.readSScColumns(&sheet, row: row)
            }
            subjects.append(subject)
        }
        return (subjects, unread, sheet.problems)
    }

    /// The SSc-only columns of `row`, with the autoantibody class checked against (or derived from) the antibodies.
    private mutating func readSScColumns(_ sheet: inout SheetReader, row: Int) {
        subset = sheet.value(row, "ssc_subset", as: Subset.self)
        diseaseDurationYears = sheet.number(row, "disease_duration_years", in: 0...150, allowed: "a number of years ≥ 0")
        acrEular2013 = sheet.value(row, "acr_eular_2013", as: YesNo.self)
        antiCentromere = sheet.value(row, "anti_centromere", as: Antibody.self)
        antiTopoisomeraseI = sheet.value(row, "anti_topoisomerase_i", as: Antibody.self)
        antiRNAPolymeraseIII = sheet.value(row, "anti_rna_polymerase_iii", as: Antibody.self)
        mrss = sheet.number(row, "mrss", in: 0...51, integer: true, allowed: "an integer from 0 to 51").map { Int($0) }
        digitalUlcers = sheet.value(row, "digital_ulcers", as: DigitalUlcers.self)
        ildCT = sheet.value(row, "ild_ct", as: YesNo.self)
        pahEcho = sheet.value(row, "pah_echo", as: YesNo.self)
        pahRHCConfirmed = sheet.value(row, "pah_rhc_confirmed", as: YesNo.self)
        immunosuppressant = sheet.optionalText(row, "immunosuppressant")
        prednisoneMgDay = sheet.number(row, "prednisone_mg_day", in: 0...10_000, allowed: "a dose in mg/day ≥ 0")
        let given = sheet.value(row, "autoantibody_group", as: AutoantibodyGroup.self)
        let antibodies: [(AutoantibodyGroup, Antibody?)] = [(.aca, antiCentromere), (.ata, antiTopoisomeraseI), (.ara, antiRNAPolymeraseIII)]
        if let given {
            if let conflict = Self.contradiction(given, antibodies) {
                sheet.report(.contradiction, row: row, column: "autoantibody_group", value: given.rawValue, allowed: conflict)
            }
            autoantibodyGroup = given
        } else {
            autoantibodyGroup = Self.derivedGroup(antibodies)
        }
    }

    /// Why `group` disagrees with the three antibody columns, or nil when it agrees.
    static func contradiction(_ group: AutoantibodyGroup, _ antibodies: [(AutoantibodyGroup, Antibody?)]) -> String? {
        let positive = antibodies.filter { $0.1 == .pos }.map(\.0.rawValue)
        switch group {
        case .aca, .ata, .ara:
            guard let own = antibodies.first(where: { $0.0 == group }) else { return nil }
            if own.1 == .neg { return "a class agreeing with the antibody columns (\(group.rawValue) needs its antibody pos, found neg)" }
            let others = positive.filter { $0 != group.rawValue }
            if !others.isEmpty { return "'multiple' (also positive: \(others.joined(separator: ", ")))" }
            return nil
        case .none, .other:
            return positive.isEmpty ? nil : "a class agreeing with the antibody columns (positive: \(positive.joined(separator: ", ")))"
        case .multiple:
            return nil
        }
    }

    /// The class from the three antibodies when `autoantibody_group` is empty: one positive gives its class,
    /// several give `multiple`, three negatives give `none`; otherwise unknown.
    static func derivedGroup(_ antibodies: [(AutoantibodyGroup, Antibody?)]) -> AutoantibodyGroup? {
        let positive = antibodies.filter { $0.1 == .pos }.map(\.0)
        if positive.count > 1 { return .multiple }
        if let only = positive.first { return only }
        return antibodies.allSatisfy { $0.1 == .neg } ? AutoantibodyGroup.none : nil
    }

    /// `[A-Za-z0-9_-]+`.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// `YYYY-MM-DD` naming a real day.
    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
