import Foundation
import Simulation

/// The subjects of a demo study: SSc patients with realistic clinical features, and healthy donors each exposed
/// to one patient's serum (some sera go to two donors).
public struct Cohort: Sendable {
    /// The patients, `SSC01`…
    public var patients: [Subject]
    /// The healthy donors, `HD01`…
    public var donors: [Subject]
    /// The patient whose serum each donor's cultures received, by donor id.
    public var serumSource: [String: String]

    /// Draws the cohort.
    ///
    /// Proportions follow the large SSc registries (EUSTAR, the Canadian and Australian cohorts): about 40 % diffuse;
    /// anticentromere mostly limited, anti-topoisomerase I and anti-RNA polymerase III mostly diffuse; ILD
    /// common with ATA; mycophenolate the usual immunosuppressant in diffuse disease. Antibody groups get their
    /// counts by largest remainder, so each of ACA, ATA, ARA and none is present from 4 patients on; the diffuse
    /// share is exact (rounded) and goes to the patients whose antibodies make it most likely. A few clinical cells
    /// are left empty (max(1, n / 8) of them), as real case report forms do.
    public static func draw(patients count: Int, donors donorCount: Int, seed: UInt64) -> Cohort {
        var random = RandomSource.stream(seed, 1)
        let groups = random.shuffled(antibodyGroups(count))
        let propensity: [Subject.Autoantibody: Double] = [.aca: 0.1, .ata: 0.7, .ara: 0.8, .none: 0.35, .other: 0.4]
        let scores = groups.map { (propensity[$0] ?? 0.4) + 0.5 * random.uniform() }
        let diffuseCount = Int((0.42 * Double(count)).rounded())
        let diffuse = Set(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(diffuseCount))
        var patients = (0..<count).map { i in
            patient(number: i + 1, antibody: groups[i], subset: diffuse.contains(i) ? .diffuse : .limited, random: &random)
        }
        // A few missing values, spread over the columns a case report form most often lacks.
        let missing = max(1, count / 8)
        for (k, i) in random.shuffled(Array(patients.indices)).prefix(missing).enumerated() {
            switch k % 4 {
            case 0: patients[i].mrss = nil
            case 1: patients[i].pahEcho = nil; patients[i].pahConfirmed = nil
            case 2: patients[i].diseaseDurationYears = nil
            default: patients[i].digitalUlcers = nil
            }
        }
        let donors = (0..<donorCount).map { i in
            Subject(subjectID: String(format: "HD%02d", i + 1), group: .hd, ageYears: Int(min(max(random.normal(mean: 38, sd: 10), 20), 65)),
                    sex: random.chance(0.55) ? "F" : "M", inclusionDay: random.integer(0...539), notes: "healthy donor (blood bank)")
        }
        // Sera: diffuse patients first (their sera are the ones studied most), every third donor shares the
        // previous donor's serum.
        let sources = random.shuffled(patients).sorted { ($0.subset == .diffuse ? 0 : 1) < ($1.subset == .diffuse ? 0 : 1) }
        var serumSource: [String: String] = [:]
        var next = 0
        for (i, donor) in donors.enumerated() {
            if i % 3 == 2, let previous = serumSource[donors[i - 1].subjectID] {
                serumSource[donor.subjectID] = previous
            } else {
                serumSource[donor.subjectID] = sources[next % sources.count].subjectID
                next += 1
            }
        }
        return Cohort(patients: patients, donors: donors, serumSource: serumSource)
    }

    /// Counts per antibody group by largest remainder (ACA 34 %, ATA 30 %, ARA 16 %, none 16 %, other 4 %), each of
    /// the four tested groups at least once when there are 4 patients or more.
    static func antibodyGroups(_ count: Int) -> [Subject.Autoantibody] {
        let shares: [(Subject.Autoantibody, Double)] = [(.aca, 0.34), (.ata, 0.30), (.ara, 0.16), (.none, 0.16), (.other, 0.04)]
        var counts = shares.map { Int(Double(count) * $0.1) }
        if count >= 4 { for k in 0..<4 where counts[k] == 0 { counts[k] = 1 } }
        let order = shares.indices.sorted {
            let a = Double(count) * shares[$0].1 - Double(Int(Double(count) * shares[$0].1))
            let b = Double(count) * shares[$1].1 - Double(Int(Double(count) * shares[$1].1))
            return a != b ? a > b : $0 < $1
        }
        var k = 0
        while counts.reduce(0, +) < count { counts[order[k % order.count]] += 1; k += 1 }
        while counts.reduce(0, +) > count, let largest = counts.indices.max(by: { counts[$0] < counts[$1] }) { counts[largest] -= 1 }
        return zip(shares, counts).flatMap { [Subject.Autoantibody](repeating: $0.0, count: $1) }
    }

    static func patient(number: Int, antibody: Subject.Autoantibody, subset: Subject.Subset, random: inout RandomSource) -> Subject {
        let isDiffuse = subset == .diffuse
        let male = random.chance(antibody == .ata || antibody == .ara ? 0.25 : 0.12)
        let duration = random.logNormal(median: isDiffuse ? 3.5 : 8, sigma: 0.75)
        let mrss = isDiffuse ? random.normal(mean: 24, sd: 8) : random.normal(mean: 6, sd: 3.5)
        let ulcers: Subject.Ulcers = random.choose([(.current, isDiffuse ? 0.18 : 0.10), (.past, 0.30), (.never, isDiffuse ? 0.52 : 0.60)])
        let ildRisk: Double = switch antibody {
        case .ata: 0.6
        case .aca: 0.08
        default: isDiffuse ? 0.4 : 0.2
        }
        let pah = random.chance(antibody == .aca || !isDiffuse ? 0.15 : 0.08)
        let immunosuppressant: String = isDiffuse
            ? random.choose([("MMF", 0.45), ("MTX", 0.15), ("RTX", 0.05), ("none", 0.35)])
            : random.choose([("none", 0.62), ("MTX", 0.15), ("HCQ", 0.13), ("MMF", 0.10)])
        let prednisone: Double = random.chance(0.2) ? random.choose([(5.0, 0.7), (7.5, 0.2), (10.0, 0.1)]) : 0
        var notes: [String] = []
        if random.chance(0.55) {
            notes.append("vasodilator: " + random.choose([("nifedipine", 0.35), ("sildenafil", 0.25), ("bosentan", 0.15), ("iloprost", 0.15), ("amlodipine", 0.10)]))
        }
        if antibody == .other { notes.append("other antibody: " + random.choose([("anti-Th/To", 0.5), ("anti-PM-Scl", 0.5)])) }
        return Subject(subjectID: String(format: "SSC%02d", number), group: .ssc,
                       ageYears: Int(min(max(random.normal(mean: 56, sd: 12), 25), 82)), sex: male ? "M" : "F",
                       inclusionDay: random.integer(0...539), subset: subset,
                       diseaseDurationYears: (min(duration, 40) * 10).rounded() / 10, acrEular2013: random.chance(0.97),
                       autoantibody: antibody, mrss: Int(min(max(mrss, isDiffuse ? 10 : 0), isDiffuse ? 51 : 14).rounded()),
                       digitalUlcers: ulcers, ild: random.chance(ildRisk), pahEcho: pah, pahConfirmed: pah ? random.chance(0.6) : nil,
                       immunosuppressant: immunosuppressant, prednisoneMgDay: prednisone, notes: notes.joined(separator: "; "))
    }
}
