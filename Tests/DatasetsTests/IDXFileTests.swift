import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct IDXFileTests {
    let images = IDXFile(elementType: .uint8, dimensions: [2, 3, 4], payload: (0..<24).map(UInt8.init))

    @Test func encodesTheDocumentedHeader() {
        // 0, 0, type 0x08, 3 dims; then 2, 3, 4 as big-endian UInt32.
        #expect(Array(images.encoded().prefix(16)) == [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4])
        #expect(IDXFile.magic(.uint8, rank: 3) == 0x0000_0803 && IDXFile.magic(.uint8, rank: 1) == 0x0000_0801)
    }

    @Test(arguments: ["tiny.idx", "tiny.idx.gz"])
    func roundTripsCompressedAndPlain(name: String) throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try images.write(to: folder.file(name))
        #expect(try IDXFile.read(path: folder.file(name), expectedMagic: 0x0803) == images)
        let wide = IDXFile(elementType: .float64, dimensions: [3], payload: (0..<24).map(UInt8.init))
        try wide.write(to: folder.file(name))
        #expect(try IDXFile.read(path: folder.file(name)) == wide)
    }

    @Test func gzipFilesAreReallyCompressed() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let zeros = IDXFile(elementType: .uint8, dimensions: [1000, 28, 28], payload: Array(repeating: 0, count: 784_000))
        try zeros.write(to: folder.file("z.gz"))
        let size = try FileManager.default.attributesOfItem(atPath: folder.file("z.gz"))[.size] as! Int
        #expect(size < 10_000)
        #expect(try IDXFile.read(path: folder.file("z.gz")).payload.count == 784_000)
    }

    @Test func missingFileIsNotFound() {
        let error = DatasetError.caught { _ = try IDXFile.read(path: "/nonexistent/x.idx.gz") }
        #expect(error?.kind == .notFound && "\(error!)".contains("/nonexistent/x.idx.gz"))
    }

    @Test(arguments: [
        ([1, 0, 8, 3], "two zero bytes"),          // leading byte not zero
        ([0, 0, 7, 3], "element type 0x7"),        // unknown type
        ([0, 0, 8, 0], "zero dimensions"),
        ([0, 0, 8, 1, 0, 0, 0, 24], "0x00000801"), // labels where images were expected
        ([0, 0, 0x0D, 3, 0, 0, 0, 2], "0x00000d03"),
    ] as [([UInt8], String)])
    func badHeadersAreRefusedAndExplained(header: [UInt8], mentions: String) throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let path = try folder.write(header + Array(repeating: 0, count: 40), to: "bad.gz")
        let error = DatasetError.caught { _ = try IDXFile.read(path: path, expectedMagic: 0x0803) }
        #expect(error?.kind == .badHeader)
        #expect("\(error!)".contains(path) && "\(error!)".contains(mentions), "\(error!)")
    }

    @Test func absurdDimensionsAreRefusedBeforeAllocating() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let path = try folder.write([0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], to: "huge")
        #expect(DatasetError.caught { _ = try IDXFile.read(path: path) }?.kind == .badHeader)
    }

    @Test(arguments: [".gz", ""])
    func truncatedPayloadSaysHowMuchIsMissing(suffix: String) throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let path = try folder.write(Array(images.encoded().dropLast(5)), to: "short" + suffix)
        let error = DatasetError.caught { _ = try IDXFile.read(path: path) }
        #expect(error?.kind == .truncated)
        #expect("\(error!)".contains("24 bytes") && "\(error!)".contains("only 19"), "\(error!)")
        let headerCut = try folder.write([0, 0, 8, 3, 0, 0], to: "cut" + suffix)
        #expect(DatasetError.caught { _ = try IDXFile.read(path: headerCut) }?.kind == .truncated)
    }

    @Test func cutGzipStreamIsTruncated() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let big = IDXFile(elementType: .uint8, dimensions: [100, 28, 28], payload: (0..<78_400).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        try big.write(to: folder.file("full.gz"))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: folder.file("full.gz")))
        let path = try folder.write(Array(compressed.prefix(compressed.count / 2)), to: "half.gz.raw")
        let error = DatasetError.caught { _ = try IDXFile.read(path: path) }
        #expect(error?.kind == .truncated, "\(String(describing: error))")
    }

    @Test func corruptedGzipIsCaughtByItsChecksum() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try images.write(to: folder.file("ok.gz"))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("ok.gz"))))
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC-32 of the gzip trailer
        let path = try folder.write(bytes, to: "crc.raw")
        let error = DatasetError.caught { _ = try IDXFile.read(path: path) }
        #expect(error?.kind == .corrupt, "\(String(describing: error))")
    }

    @Test func trailingBytesAreRefused() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        let path = try folder.write(images.encoded() + [0], to: "long.gz")
        #expect(DatasetError.caught { _ = try IDXFile.read(path: path) }?.kind == .trailingData)
    }
}
