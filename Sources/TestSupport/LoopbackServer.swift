#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A TCP listener on 127.0.0.1 that counts the connections it receives and answers each with an empty HTTP
/// response: the trap for tests that prove a parser fetches nothing (XML external entities).
public final class LoopbackServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: UInt16
    private let socketDescriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var stopped = false
    private var thread: Thread?

    /// Starts listening on an ephemeral loopback port.
    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard descriptor >= 0, bound == 0, listen(descriptor, 16) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        socketDescriptor = descriptor
        let thread = Thread { [self] in serve(descriptor) }
        self.thread = thread
        thread.start()
    }

    /// The first line of every request received so far.
    public var requests: [String] { lock.withLock { received } }

    /// Stops listening.
    public func stop() {
        lock.withLock { stopped = true }
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        close(socketDescriptor)
    }

    deinit { stop() }

    private func serve(_ descriptor: Int32) {
        while !lock.withLock({ stopped }) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(client, &buffer, buffer.count)
            let line = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
            lock.withLock { received.append(line) }
            let response = Array("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
            _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }
}
