import Batch
import Demo
import ELISA
import FCS
import Foundation
import Tables
import Testing
import TestSupport

@Suite("Demo study files")
struct StudyFilesTests {
    @Test("every FCS tube, plate, layout and the sample sheet read back with FlowStudy's own readers")
    func readBack() throws {
        let folder = try SmallStudy.folder()
        let sheet = try SampleSheet.read(csv: folder + "/samples.csv")
        let cultures = 2 * (SmallStudy.settings.patients + SmallStudy.settings.donors)
        #expect(sheet.entries.count == cultures * 7)
        #expect(sheet.matchesControls)
        for entry in sheet.entries {
            let sample = try FCSFile.readSample(entry.file)
            #expect(sample.eventCount == (entry.isControl ? SmallStudy.settings.fmoEvents : SmallStudy.settings.events), "\(entry.sampleID)")
            #expect(sample.keywords["$SPILLOVER"] != nil)
            #expect(sample.parameters.count == 14)
        }
        let runs = try SmallStudy.records("elisa/runs.csv")
        #expect(runs.count == 6)  // CCL18 at two dilutions needs two plates for 11 pairs
        var extensions: Set<String> = []
        for run in runs {
            let file = folder + "/elisa/" + (run["plate_file"] ?? "")
            extensions.insert((file as NSString).pathExtension)
            let plates = try PlateRead.read(contentsOf: file)
            #expect(plates.count == 1)
            #expect(plates.first?.wells.count == 96)
            let layout = try PlateLayout.csv(try InputFile.text(folder + "/elisa/" + (run["layout"] ?? "")), file: "layout")
            #expect(layout.entries.count == 96)
        }
        #expect(extensions == ["txt", "xlsx"])
    }

    @Test("the same seed writes byte-identical files; another seed does not")
    func deterministic() throws {
        let first = try SmallStudy.folder()
        let other = try TemporaryDirectory("flowstudy-demo-again")
        try StudyGenerator(settings: SmallStudy.settings).write(to: other.path("study"))
        let names = try #require(FileManager.default.subpaths(atPath: first)).filter { !$0.hasSuffix("/") }.sorted()
        let again = try #require(FileManager.default.subpaths(atPath: other.path("study"))).sorted()
        #expect(names == again)
        var compared = 0
        for name in names where !name.isEmpty {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: first + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let a = try InputFile.bytes(first + "/" + name), b = try InputFile.bytes(other.path("study/" + name))
            #expect(a == b, "\(name) differs")
            compared += 1
        }
        #expect(compared > 150)
        var settings = SmallStudy.settings
        settings.seed = 8
        settings.patients = 2
        settings.donors = 0
        let different = try TemporaryDirectory("flowstudy-demo-other")
        try StudyGenerator(settings: settings).write(to: different.path("study"))
        #expect(try InputFile.bytes(different.path("study/fcs/SSC01_UT.fcs")) != InputFile.bytes(first + "/fcs/SSC01_UT.fcs"))
    }

    @Test("a non-empty folder that is not a demo is refused and left as it was; a previous demo is replaced")
    func refusesForeignFolder() throws {
        let temporary = try TemporaryDirectory("flowstudy-demo-foreign")
        let foreign = temporary.path("mine")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Array("keep me".utf8).withUnsafeBytes { try AtomicFile.write(buffer: $0, to: foreign + "/notes.txt") }
        var settings = SmallStudy.settings
        settings.patients = 2
        settings.donors = 0
        settings.events = 200
        settings.fmoEvents = 200
        #expect(throws: (any Error).self) { try StudyGenerator(settings: settings).write(to: foreign) }
        #expect(try InputFile.text(foreign + "/notes.txt") == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: foreign) == ["notes.txt"])
        let demo = temporary.path("demo")
        try StudyGenerator(settings: settings).write(to: demo)
        settings.seed = 99
        try StudyGenerator(settings: settings).write(to: demo)
        let marker = try InputFile.text(demo + "/demo.json")
        #expect(marker.contains("\"seed\" : 99"))
    }
}
