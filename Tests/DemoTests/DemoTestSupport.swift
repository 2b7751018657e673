import Demo
import Foundation
import Tables
import TestSupport

/// The small study the tests share: generated once per test process (8 patients, 3 donors, 5,000 events per
/// culture tube, 2,000 per FMO tube, seed 7).
enum SmallStudy {
    static let settings = DemoSettings(seed: 7, patients: 8, donors: 3, events: 5_000, fmoEvents: 2_000)

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: (folder: TemporaryDirectory, path: String)?

    /// The study folder (generated on first use).
    static func folder() throws -> String {
        try lock.withLock {
            if let cached { return cached.path }
            let temporary = try TemporaryDirectory.forProcess("flowstudy-demo")
            let path = temporary.path("study")
            try StudyGenerator(settings: settings).write(to: path)
            cached = (temporary, path)
            return path
        }
    }

    /// A CSV file of the study as rows of named cells.
    static func records(_ relative: String) throws -> [[String: String]] {
        let table = try CSVTable(try InputFile.text(try folder() + "/" + relative))
        return table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0)) }
    }
}
