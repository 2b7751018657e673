import Foundation
import Statistics

/// T0 ("Table 1"), in long form: one row per characteristic and level, SSc patients and healthy donors side by
/// side (`characteristic, level, ssc_n, ssc_summary, hd_n, hd_summary`). Continuous items give n non-missing and
/// median [Q1; Q3]; categorical items give n and the percentage of the non-missing values; a `missing` level is
/// added when values are absent. SSc-only items leave the HD columns empty.
public struct SubjectCharacteristics: Sendable {
    /// The table's header.
    public static let header = ["characteristic", "level", "ssc_n", "ssc_summary", "hd_n", "hd_summary"]

    /// The rows.
    public var rows: [[String]]

    /// T0 of the subjects of `data` (every subject of the clinical sheet).
    public init(_ data: StudyData) {
        let all = data.subjectOrder.compactMap { data.subjects[$0] }
        let ssc = all.filter { $0.group == .ssc }, hd = all.filter { $0.group == .hd }
        rows = [["subjects", "all", "\(ssc.count)", "", "\(hd.count)", ""]]
        rows += Self.continuous("age_years", ssc, hd) { $0.ageYears.map(Double.init) }
        rows += Self.categorical("sex", ["F", "M"], ssc, hd) { $0.sex?.rawValue }
        rows += Self.continuous("disease_duration_years", ssc, nil) { $0.diseaseDurationYears }
        rows += Self.categorical("ssc_subset", Subject.Subset.allCases.map(\.rawValue), ssc, nil) { $0.subset?.rawValue }
        rows += Self.categorical("autoantibody_group", Subject.AutoantibodyGroup.allCases.map(\.rawValue), ssc, nil) { $0.autoantibodyGroup?.rawValue }
        rows += Self.continuous("mrss", ssc, nil) { $0.mrss.map(Double.init) }
        rows += Self.categorical("digital_ulcers", Subject.DigitalUlcers.allCases.map(\.rawValue), ssc, nil) { $0.digitalUlcers?.rawValue }
        rows += Self.categorical("ild_ct", ["yes", "no"], ssc, nil) { $0.ildCT?.rawValue }
        rows += Self.categorical("pah_echo", ["yes", "no"], ssc, nil) { $0.pahEcho?.rawValue }
        let treatments = ssc.compactMap(\.immunosuppressant).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        rows += Self.categorical("immunosuppressant", treatments, ssc, nil) { $0.immunosuppressant }
        rows += Self.continuous("prednisone_mg_day", ssc, nil) { $0.prednisoneMgDay }
        rows += Self.categorical("vasodilator (notes)", ["yes", "no"], ssc, nil) { subject in
            (subject.notes ?? "").lowercased().contains("vasodilator") ? "yes" : "no"
        }
    }

    /// The table.
    public var table: OutcomeTable { OutcomeTable(name: "T0_subjects.csv", header: Self.header, rows: rows) }

    /// One row: n non-missing and median [Q1; Q3] per group.
    static func continuous(_ name: String, _ ssc: [Subject], _ hd: [Subject]?, _ value: (Subject) -> Double?) -> [[String]] {
        func summary(_ subjects: [Subject]) -> (String, String) {
            let values = subjects.compactMap(value)
            guard let q = Quartiles(values) else { return ("0", "") }
            return ("\(values.count)", "\(format(q.median)) [\(format(q.q1)); \(format(q.q3))]")
        }
        let s = summary(ssc), h = hd.map(summary) ?? ("", "")
        return [[name, "median [IQR]", s.0, s.1, h.0, h.1]]
    }

    /// One row per level (and `missing` when values are absent): n and % of the non-missing values.
    static func categorical(_ name: String, _ levels: [String], _ ssc: [Subject], _ hd: [Subject]?, _ level: (Subject) -> String?) -> [[String]] {
        func summary(_ subjects: [Subject], _ name: String?) -> (String, String) {
            let known = subjects.compactMap(level)
            let count = name.map { wanted in known.filter { $0 == wanted }.count } ?? subjects.count - known.count
            guard name != nil else { return ("\(count)", "") }
            return ("\(count)", known.isEmpty ? "" : "\(count) (\(format(100 * Double(count) / Double(known.count))) %)")
        }
        var rows = levels.map { levelName -> [String] in
            let s = summary(ssc, levelName), h = hd.map { summary($0, levelName) } ?? ("", "")
            return [name, levelName, s.0, s.1, h.0, h.1]
        }
        let missingSSc = ssc.count - ssc.compactMap(level).count
        let missingHD = hd.map { $0.count - $0.compactMap(level).count } ?? 0
        if missingSSc > 0 || missingHD > 0 {
            rows.append([name, "missing", "\(missingSSc)", "", hd == nil ? "" : "\(missingHD)", ""])
        }
        return rows
    }

    /// One decimal at most.
    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
