#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tables
import TestSupport
import Testing

@Suite("Output folders: a run's files as one set")
struct OutputFolderTests {
    func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test("Until commit the destination holds the previous run whole; after it, the new run whole")
    func oldSetOrNewSet() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("out")
        let first = try OutputFolder(out)
        try first.write("1", to: "a.csv")
        try first.write("1", to: "b.csv")
        #expect(!FileManager.default.fileExists(atPath: out))
        try first.commit()
        #expect(text(out + "/a.csv") == "1" && text(out + "/b.csv") == "1")

        let second = try OutputFolder(out)
        try second.write("2", to: "a.csv")
        // Half-way through the second run a reader still sees the first run only.
        #expect(text(out + "/a.csv") == "1" && text(out + "/b.csv") == "1")
        try second.write("2", to: "b.csv")
        try second.commit()
        #expect(text(out + "/a.csv") == "2" && text(out + "/b.csv") == "2")
        // Nothing is left beside it: no staging folder, no temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out"])
    }

    @Test("A run that is discarded (interrupted) leaves the previous run untouched")
    func discardKeepsPrevious() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("out")
        let first = try OutputFolder(out)
        try first.write("1", to: "a.csv")
        try first.commit()
        let second = try OutputFolder(out)
        try second.write("2", to: "a.csv")
        second.discard()
        #expect(text(out + "/a.csv") == "1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out"])
    }

    @Test("A folder holding files FlowStudy did not write is refused before any work, and left as it was")
    func foreignFolderIsRefused() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("results")
        try FileManager.default.createDirectory(atPath: out + "/img", withIntermediateDirectories: true)
        try "mine".write(toFile: out + "/img/figure.png", atomically: false, encoding: .utf8)
        #expect {
            try OutputFolder.validate(out)
        } throws: { error in
            guard let error = error as? TablesError else { return false }
            return error.code == .foreignOutputFolder && error.found.contains("img/figure.png")
        }
        #expect(throws: TablesError.self) { try OutputFolder(out) }
        #expect(text(out + "/img/figure.png") == "mine")
    }

    @Test("An existing file where the folder should be is refused")
    func fileIsNotAFolder() throws {
        let folder = try TemporaryDirectory()
        try "x".write(toFile: folder.path("out"), atomically: false, encoding: .utf8)
        #expect { try OutputFolder.validate(folder.path("out")) } throws: { ($0 as? TablesError)?.code == .foreignOutputFolder }
    }

    @Test("A destination where no folder can be made (under a regular file, under /proc) is refused before any work, naming the place, and leaves nothing")
    func unstageableDestinationRefusedUpFront() throws {
        let folder = try TemporaryDirectory()
        try "x".write(toFile: folder.path("file.txt"), atomically: false, encoding: .utf8)
        for (destination, place) in [(folder.path("file.txt/out"), folder.path("file.txt")), (folder.path("file.txt/a/b/out"), folder.path("file.txt")),
                                     ("/proc/flowstudy-out", "/proc"), ("/proc/no/such/out", "/proc")] {
            #expect {
                try OutputFolder.validate(destination)
            } throws: { error in
                guard let error = error as? TablesError else { return false }
                return error.code == .unwritableFile && error.file == destination && error.expected.contains("'\(place)'")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["file.txt"])
        // An absent destination whose parents do not exist yet is fine: the run creates them.
        try OutputFolder.validate(folder.path("new/deeper/out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["file.txt"])
    }

    @Test("An output folder inside another run's folder is refused (its next run would replace it whole); beside it is fine")
    func insideAnotherRun() throws {
        let folder = try TemporaryDirectory()
        let flow = folder.path("flow")
        let run = try OutputFolder(flow)
        try run.write("sample,population\n", to: "populations.csv")
        try run.commit()
        for inside in [flow + "/outcomes", flow + "/a/b/outcomes"] {
            #expect {
                try OutputFolder.validate(inside)
            } throws: { error in
                guard let error = error as? TablesError else { return false }
                return error.code == .foreignOutputFolder && error.found.contains("inside '\(flow)'")
            }
        }
        try OutputFolder.validate(folder.path("outcomes"))
        // The run's own folder can take its next run.
        try OutputFolder.validate(flow)
    }

    @Test("Files kept from the previous run are carried over by link; the rest of the old run is removed")
    func keepCarriesOver() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("gallery")
        let first = try OutputFolder(out)
        try first.write("cell-1", to: "img/1.png")
        try first.write("cell-2", to: "img/2.png")
        try first.commit()
        let second = try OutputFolder(out)
        #expect(try second.keep("img/1.png"))
        #expect(try !second.keep("img/absent.png"))
        try second.write("cell-3", to: "img/3.png")
        try second.commit()
        #expect(text(out + "/img/1.png") == "cell-1")
        #expect(text(out + "/img/3.png") == "cell-3")
        #expect(!FileManager.default.fileExists(atPath: out + "/img/2.png"))
    }

    @Test("A staging folder left by a killed run is removed by the next run")
    func abandonedStagingIsRemoved() throws {
        let folder = try TemporaryDirectory()
        // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
        let stale = folder.path(".out.flowstudy-staging.4194305")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try "half".write(toFile: stale + "/markers.csv", atomically: false, encoding: .utf8)
        let run = try OutputFolder(folder.path("out"))
        try run.write("whole", to: "markers.csv")
        try run.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out"])
    }
}

@Suite("CSV: formulas defused, NUL refused, values read back as written")
struct CSVTests {
    @Test("Cells that would start a formula are quoted with a leading apostrophe; numbers are not",
          arguments: [("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
                      ("+1+cmd", "\"'+1+cmd\""), ("-2+3", "\"'-2+3\""), ("@SUM(A1)", "\"'@SUM(A1)\""),
                      ("\tx", "\"'\tx\""), ("-1.5", "-1.5"), ("+3", "+3"), ("-Inf", "-Inf"), ("1e-5", "1e-5"),
                      ("CD86+", "CD86+"), ("'=x", "\"''=x\""), ("plain", "plain")])
    func formulaQuoting(value: String, written: String) {
        #expect(csvQuoted(value) == written)
    }

    @Test("Every value reads back exactly as it was written, escapes included")
    func roundTrip() throws {
        let values = ["=1+2", "'=1+2", "''=x", "-", "-3", "@a", "a,b", "say \"hi\"", "line\nbreak", "'plain"]
        let text = String(decoding: csvTable(header: ["v"], rows: values.map { [$0] }), as: UTF8.self)
        let table = try CSVTable(text)
        #expect(table.rows.map { $0[0] } == values)
    }

    @Test("A NUL is refused with its line and column")
    func nulIsRefused() {
        #expect {
            _ = try CSVTable("sample_id,fcs_file\ns1,a.fcs\ns2,b.fcs\0.txt\n")
        } throws: { error in
            guard let error = error as? CSVError else { return false }
            return error.line == 3 && error.column == 2
        }
        // In a CR-only file too.
        #expect {
            _ = try CSVTable("sample_id,fcs_file\rs1,a.fcs\rs2,b.fcs\0.txt\r")
        } throws: { error in
            guard let error = error as? CSVError else { return false }
            return error.line == 3 && error.column == 2
        }
    }

    @Test("CRLF, a byte-order mark and quoted commas are read")
    func windowsText() throws {
        let table = try CSVTable("\u{FEFF}id,name\r\n1,\"a, b\"\r\n")
        #expect(table.header == ["id", "name"])
        #expect(table.rows == [["1", "a, b"]])
    }

    @Test("CR-only line ends (classic Mac OS) end rows too, with the file's own line numbers; a CR inside quotes stays")
    func crOnlyText() throws {
        // Read as one header line before: every row vanished.
        let table = try CSVTable("subject_id,mrss\r\rSSC01,12\rSSC02,\"a\rb\"\rSSC03,4\r")
        #expect(table.header == ["subject_id", "mrss"])
        #expect(table.rows == [["SSC01", "12"], ["SSC02", "a\rb"], ["SSC03", "4"]])
        #expect(table.lines == [3, 4, 6])
        // CRLF is still one line end, not two.
        #expect(try CSVTable("a\r\n1\r\n\r\n2\r\n").lines == [2, 4])
    }
}
