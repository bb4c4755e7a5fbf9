import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Host name resolution through getaddrinfo, run off the Swift concurrency pool (it blocks).
public enum SystemResolver {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    @Sendable
    public static func resolve(_ host: String) async throws -> [IPAddress] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try resolveBlocking(host) })
            }
        }
    }

    static func resolveBlocking(_ host: String) throws(Failure) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            throw Failure(description: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor = list
        while let entry = cursor?.pointee {
            if let socketAddress = entry.ai_addr {
                if entry.ai_family == AF_INET {
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        return withUnsafeBytes(of: &address) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes), !addresses.contains(ip) { addresses.append(ip) }
                } else if entry.ai_family == AF_INET6 {
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        return withUnsafeBytes(of: &address) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes), !addresses.contains(ip) { addresses.append(ip) }
                }
            }
            cursor = entry.ai_next
        }
        return addresses
    }
}
