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

/// What `report patient` does with an `outcomes_run.json` or a gallery manifest that was edited by hand (found by a
/// mutation campaign against the release binary: each was either read from the current folder or named no place).
@Suite("Provenance: edited records")
struct EditedRecordTests {
    /// Writes `text` as the folder's `outcomes_run.json` and returns the error reading it gives.
    static func recordError(_ text: String) throws -> ReportError? {
        let out = try TemporaryDirectory("provenance-edited")
        try Data(text.utf8).write(to: URL(fileURLWithPath: out.path(Provenance.fileName)))
        do {
            _ = try Provenance.verifiedRecord(in: out.url.path)
            return nil
        } catch let error as ReportError {
            return error
        }
    }

    @Test("a recorded input path that is relative or empty is refused at its key, not read from the current folder")
    func relativeInput() throws {
        let error = try #require(try Self.recordError(#"{"inputs": {"clinical": "clinical.csv", "samples": "/s/samples.csv", "flow": "/s/flow", "elisa": "/s/elisa"}, "files": []}"#))
        #expect(error.file.hasSuffix(Provenance.fileName) && error.message.hasPrefix("inputs.clinical: expected the absolute path"), "\(error)")
        let empty = try #require(try Self.recordError(#"{"inputs": {"clinical": "/s/c.csv", "samples": "", "flow": "/s/flow", "elisa": "/s/elisa"}, "files": []}"#))
        #expect(empty.message.hasPrefix("inputs.samples: expected the absolute path"), "\(empty)")
        // The hashed files too: each is read to check its hash.
        let file = try #require(try Self.recordError(#"{"inputs": {"clinical": "/s/c.csv", "samples": "/s/s.csv", "flow": "/s/flow", "elisa": "/s/elisa"}, "files": [{"path": "flow/markers.csv", "sha256": "ab"}]}"#))
        #expect(file.message == "files[0].path: expected the absolute path of a hashed input, found 'flow/markers.csv'", "\(file)")
    }

    @Test("a record without its list of hashed files is refused: nothing would be checked")
    func noFiles() throws {
        let error = try #require(try Self.recordError(#"{"inputs": {"clinical": "/s/c.csv", "samples": "/s/s.csv", "flow": "/s/flow", "elisa": "/s/elisa"}}"#))
        #expect(error.message.hasPrefix("files: expected the list"), "\(error)")
    }

    @Test("a listed file without a SHA-256 of 64 hex digits, or an entry that is not an object, is refused at its index: it would go unchecked")
    func unhashedFile() throws {
        let head = #"{"inputs": {"clinical": "/s/c.csv", "samples": "/s/s.csv", "flow": "/s/flow", "elisa": "/s/elisa"}, "files": "#
        let null = try #require(try Self.recordError(head + #"[{"path": "/s/c.csv", "sha256": null}]}"#))
        #expect(null.file.hasSuffix(Provenance.fileName), "\(null)")
        #expect(null.message.hasPrefix("files[0].sha256: expected the SHA-256 (64 hex digits) of /s/c.csv, found null;"), "\(null)")
        let missing = try #require(try Self.recordError(head + #"[{"path": "/s/c.csv"}]}"#))
        #expect(missing.message.hasPrefix("files[0].sha256: expected the SHA-256 (64 hex digits) of /s/c.csv, found nothing;"), "\(missing)")
        let short = try #require(try Self.recordError(head + #"[{"path": "/s/c.csv", "sha256": "ab"}]}"#))
        #expect(short.message.hasPrefix("files[0].sha256: expected the SHA-256 (64 hex digits) of /s/c.csv, found 'ab';"), "\(short)")
        // Full-width digits are digits to Character.isHexDigit, not to a SHA-256: 61 ASCII digits and one 3-byte "０".
        let wide = String(repeating: "a", count: 61) + "\u{FF10}"
        let fullWidth = try #require(try Self.recordError(head + #"[{"path": "/s/c.csv", "sha256": "\#(wide)"}]}"#))
        #expect(fullWidth.message.hasPrefix("files[0].sha256: expected the SHA-256 (64 hex digits)"), "\(fullWidth)")
        let number = try #require(try Self.recordError(head + "[7]}"))
        #expect(number.message == "files[0]: expected an object with the path and SHA-256 of an input, found 7", "\(number)")
    }

    @Test("a hash recorded in capitals (as some tools print it) is the same hash")
    func capitals() throws {
        let folder = try TemporaryDirectory("provenance-capitals")
        let input = folder.path("clinical.csv")
        try Data("subject_id\nSSC01\n".utf8).write(to: URL(fileURLWithPath: input))
        let sha256sum = run("/usr/bin/sha256sum", [input])
        try #require(sha256sum.status == 0, "\(sha256sum.stderr)")
        let upper = sha256sum.stdout.prefix(64).uppercased()
        let text = #"{"inputs": {"clinical": "/s/c.csv", "samples": "/s/s.csv", "flow": "/s/flow", "elisa": "/s/elisa"}, "files": [{"path": "\#(input)", "sha256": "\#(upper)"}]}"#
        #expect(try Self.recordError(text) == nil)
    }

    @Test("a record that does not parse is placed at its line and column")
    func syntax() throws {
        let error = try #require(try Self.recordError("{\n  \"inputs\": {,}\n}"))
        // Line 2 is `  "inputs": {,}`: the comma is its 14th character.
        #expect(error.message.hasPrefix("line 2, column 14: "), "\(error)")
        #expect(error.message.contains("[malformed_json]"), "\(error)")
    }

    @Test("a gallery manifest cell that is not an object is named by its index")
    func manifestCell() throws {
        let review = try TemporaryDirectory("provenance-manifest")
        try Data(#"{"cells": [{"sample": "S1", "population": "cells", "image": "img/a.png"}, {}, 7]}"#.utf8)
            .write(to: URL(fileURLWithPath: review.path("manifest.json")))
        #expect { try GalleryImages(review: review.url.path) } throws: { error in
            (error as? ReportError)?.message == "cells[2]: expected an object (a review gallery's manifest.json), found a number [malformed_json]"
        }
    }
}
