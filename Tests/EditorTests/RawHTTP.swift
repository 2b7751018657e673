#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A bare HTTP/1.1 request over a socket, so a test can send any Host header (clients set it themselves).
enum RawHTTP {
    struct Failure: Error { var message: String }

    /// `get` on a thread of its own: its blocking reads must not hold one of the few threads of Swift's
    /// cooperative pool, on which the server under test answers (on 2 cores, two blocked tests starve it).
    static func fetch(port: Int, path: String, headers: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try get(port: port, path: path, headers: headers) }) }.start()
        }
    }

    /// Sends `GET path` with `headers` to 127.0.0.1:`port` and returns the whole response as text.
    static func get(port: Int, path: String, headers: [String]) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(message: "socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array((["GET \(path) HTTP/1.1"] + headers + ["Connection: close", "", ""]).joined(separator: "\r\n").utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }
}
