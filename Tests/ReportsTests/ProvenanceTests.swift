import Foundation
import Reports
import Testing
import TestSupport

/// `outcomes_run.json` when the inputs are read in one place and will be found in another (a study's staging
/// folder, renamed into the study folder when every stage is done).
@Suite("Provenance")
struct ProvenanceTests {
    @Test("recorded paths name where the inputs will be; hashes are of the files read now; the read place is not named")
    func recordedElsewhere() throws {
        let fixture = try ReportFixture()
        let read = fixture.inputs
        let final = StudyInputs(clinical: read.clinical, samples: read.samples, flow: "/studies/s1/flow", elisa: "/studies/s1/elisa",
                                review: "/studies/s1/review")
        let provenance = Provenance(inputs: read, flowstudyVersion: "test", recorded: final)
        #expect(provenance.inputs == final)
        let markers = try #require(provenance.files.first { $0.role == "markers.csv" })
        #expect(markers.path == "/studies/s1/flow/markers.csv")
        let sha256sum = run("/usr/bin/sha256sum", [read.markers])
        try #require(sha256sum.status == 0, "\(sha256sum.stderr)")
        #expect(markers.sha256 == String(sha256sum.stdout.prefix(64)))
        #expect(provenance.files.first { $0.role == "review manifest.json" }?.path == "/studies/s1/review/manifest.json")
        let json = String(decoding: provenance.json, as: UTF8.self)
        #expect(!json.contains(fixture.folder.path("flow")) && !json.contains(fixture.folder.path("review")), "\(json)")
        // `flowstudy report patient` reads the recorded inputs back.
        let out = try TemporaryDirectory("provenance")
        try Data(provenance.json).write(to: URL(fileURLWithPath: out.path(Provenance.fileName)))
        #expect(try Provenance.inputs(recordedIn: out.url.path) == final)
    }
}
