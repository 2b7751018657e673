import Foundation
import Testing
import TestSupport
import FlowStudyZlib
import FCS
import Gating
@testable import Plots

/// PNG files decoded independently in the test: chunk CRCs, IHDR, zlib inflate, un-filtering, pixels.
enum PNGDecoder {
    struct Image { var width: Int; var height: Int; var pixels: [UInt8] }

    static func decode(_ bytes: [UInt8]) throws -> Image {
        try #require(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
        var offset = 8
        var width = 0, height = 0
        var idat: [UInt8] = []
        var sawEnd = false
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while offset + 12 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = UInt32(u32(offset + 8 + length))
            let computed = (Array(bytes[(offset + 4)..<(offset + 8)]) + data).withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            #expect(stored == computed, "CRC of \(type)")
            switch type {
            case "IHDR":
                width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
                height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
                #expect(data[8] == 8 && data[9] == 6 && data[10] == 0 && data[11] == 0 && data[12] == 0, "8-bit RGBA, deflate, no interlace")
            case "IDAT": idat += data
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        #expect(sawEnd)
        let stride = width * 4
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var length = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { r in idat.withUnsafeBufferPointer { uncompress(r.baseAddress, &length, $0.baseAddress, uLong($0.count)) } }
        #expect(status == Z_OK && Int(length) == raw.count, "zlib inflate")
        var pixels = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for i in 0..<stride {
                let value = Int(raw[y * (stride + 1) + 1 + i])
                let a = i >= 4 ? Int(pixels[y * stride + i - 4]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + i]) : 0
                let c = (i >= 4 && y > 0) ? Int(pixels[(y - 1) * stride + i - 4]) : 0
                var predictor = 0
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: predictor = 0
                }
                pixels[y * stride + i] = UInt8(truncatingIfNeeded: value + predictor)
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }
}

@Suite("PNG encoder and density plots")
struct PNGTests {
    @Test("an encoded image decodes to the same pixels (every filter type exercised)")
    func roundTrip() throws {
        var bitmap = Bitmap(width: 37, height: 23)
        var generator: UInt64 = 12345
        for y in 0..<23 { for x in 0..<37 {
            generator = generator &* 6364136223846793005 &+ 1442695040888963407
            // Smooth gradients favour Sub/Up/Paeth; noise favours None.
            let noise = UInt8(truncatingIfNeeded: generator >> 56)
            bitmap.set(x, y, y < 12 ? Bitmap.Colour(UInt8(x * 6), UInt8(y * 10), UInt8((x + y) * 4)) : Bitmap.Colour(noise, noise &+ 1, 255 &- noise, 200))
        } }
        let png = PNGEncoder.encode(bitmap)
        let decoded = try PNGDecoder.decode(png)
        #expect(decoded.width == 37 && decoded.height == 23)
        #expect(decoded.pixels == bitmap.pixels)
    }

    @Test("a known sample puts its dense cluster and the gate outline at the expected pixels")
    func pixels() throws {
        // 2,000 events at (25, 75) and 10 at (80, 20), in a 101×101 plot over 0…100 on both axes.
        let xs = [Double](repeating: 25, count: 2000) + [Double](repeating: 80, count: 10)
        let ys = [Double](repeating: 75, count: 2000) + [Double](repeating: 20, count: 10)
        let plot = DensityPlot(width: 101, height: 101, x: .init(0, 100), y: .init(0, 100))
        var bitmap = plot.render(xs: xs, ys: ys, events: .all(xs.count))
        let gate = Gate.polygon(PolygonGate(dimensions: [GateDimension(channel: "X"), GateDimension(channel: "Y")],
                                            vertices: [[10, 10], [90, 10], [90, 50]]))
        plot.draw(gate, on: &bitmap)
        let image = try PNGDecoder.decode(PNGEncoder.encode(bitmap))
        func colour(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(4 * (y * image.width + x))..<(4 * (y * image.width + x) + 3)]) }
        // x = 25 → column 25; y = 75 → row 100 − 75 = 25: the densest bin gets the top of the colour map (yellow).
        #expect(colour(25, 25) == [253, 231, 37])
        // The sparse bin is coloured, but darker; an empty bin stays white.
        #expect(colour(80, 80) != [255, 255, 255] && colour(80, 80) != [253, 231, 37])
        #expect(colour(50, 50) == [255, 255, 255])
        // The gate's bottom edge y = 10 is row 90, from column 10 to 90, in the gate colour.
        for x in stride(from: 12, through: 88, by: 8) { #expect(colour(x, 90) == [220, 20, 60], "edge pixel \(x), 90") }
        // The vertex (90, 50) is at column 90, row 50.
        #expect(colour(90, 50) == [220, 20, 60])
    }

    @Test("flowstudy's gate plot of the bundled sample: a PNG that decodes, and an SVG with the gate's % label")
    func gatePlot() throws {
        let template = try TemplateReader.read(contentsOf: SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path)
        let sample = try FCSFile.readSample(SharedData.repositoryRoot.appendingPathComponent("fcs-samples/mdm_untreated_seed1.fcs").path)
        let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
        let plot = try GatePlot(session: session, population: "singlets", size: 200)
        let image = try PNGDecoder.decode(plot.png())
        #expect(image.width == 200 && image.height == 200)
        let coloured = stride(from: 0, to: image.pixels.count, by: 4).filter { image.pixels[$0] != 255 || image.pixels[$0 + 1] != 255 }.count
        #expect(coloured > 500)
        let svg = plot.svg()
        #expect(svg.contains("singlets \(String(format: "%.1f", session.result.percentOfParent("singlets"))) %"))
        #expect(svg.contains("data:image/png;base64,"))
        // A logicle axis is labelled in decades.
        let mac = try GatePlot(session: session, population: "macrophages", size: 200).svg()
        #expect(mac.contains("class=\"tick-label\"") && mac.contains(">10<tspan dy=\"-3.85\" font-size=\"8.25\">3</tspan>"))
    }
}

@Suite("Standard-curve plot")
struct CurvePlotTests {
    @Test("points, curve and limits land where the axes put them")
    func curve() throws {
        // y = x / 100 on 1…1000 (log x): the points are on the curve.
        let points = [1.0, 10, 100, 1000].map { (x: $0, y: $0 / 100) }
        let plot = CurvePlot(points: points, curve: { $0 / 100 }, lloq: 10, uloq: 100, title: "t", xLabel: "x", size: 200)
        let image = try PNGDecoder.decode(plot.png())
        let (xr, yr) = plot.ranges
        let density = DensityPlot(width: 200, height: 200, x: xr, y: yr)
        func colour(_ x: Double, _ y: Double) -> [UInt8] {
            let px = Int(x.rounded()), py = Int(y.rounded())
            return Array(image.pixels[(4 * (py * 200 + px))..<(4 * (py * 200 + px) + 3)])
        }
        for point in points {
            #expect(colour(density.column(log10(point.x)), density.row(point.y)) == [220, 20, 60], "point \(point.x)")
        }
        // The LLOQ's dashed line runs at x = 10: its first dash starts at the top.
        #expect(colour(density.column(1), 1) == [120, 120, 120])
        #expect(plot.svg().contains(">LLOQ<") && plot.svg().contains(">ULOQ<"))
    }
}

@Suite("Histograms with thresholds and a control overlay")
struct HistogramTests {
    @Test("bars, the control outline and the threshold line at the expected pixels")
    func histogram() throws {
        // 100 events at 25 and 50 at 75 on 0…100, 10 bins over 100 px; control: 80 events at 25; threshold 60.
        let values = [Double](repeating: 25, count: 100) + [Double](repeating: 75, count: 50)
        let control = [Double](repeating: 25, count: 80)
        let plot = HistogramPlot(width: 100, height: 101, range: .init(0, 100), bins: 10)
        #expect(plot.counts(values, over: .all(150)) == [0, 0, 100, 0, 0, 0, 0, 50, 0, 0])
        let bitmap = plot.render(values: values, events: .all(150), control: (control, .all(80)), thresholds: [60])
        let image = try PNGDecoder.decode(PNGEncoder.encode(bitmap))
        func colour(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(4 * (y * 100 + x))..<(4 * (y * 100 + x) + 3)]) }
        // Heights are % of each tube's events: bin 2 holds 100/150 = 66.7 % of the sample, bin 7 33.3 %, and the
        // control's bin 2 all of it, 100 %: the y axis reaches 108 %, row(v) = 100 − v/108 × 100.
        // (The control's outline runs along the bottom rows where it has no events, so bars are probed above it.)
        // Bin 2's top: row 100 − 66.7/108 × 100 = 38.3.
        #expect(colour(22, 95) == [150, 150, 150] && colour(22, 40) == [150, 150, 150] && colour(20, 20) == [255, 255, 255])
        // Bin 7's top: row 100 − 33.3/108 × 100 = 69.1.
        #expect(colour(72, 95) == [150, 150, 150] && colour(72, 72) == [150, 150, 150] && colour(72, 66) == [255, 255, 255])
        // Threshold 60 → column 60/100 × 99 = 59.4 → 59, in the gate colour.
        #expect(colour(Int(plot.density.column(60).rounded()), 50) == [220, 20, 60])
        // The control's peak (its bin 2, centred at column 25) at 100 % of it: row 100 − 100/108 × 100 = 7.4.
        #expect(colour(25, Int((100 - 100.0 / 108 * 100).rounded())) == [33, 102, 172])
    }
}
