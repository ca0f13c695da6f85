import Foundation
import Logging
import NIOCore
import NIOPosix
import Transport

/// One place where a message meets a destination: take a pooled session or connect (logging as OpenSMTPD's
/// mta does), send the transaction, log one `mta delivery` line per recipient, and give the session back.
/// Shared by ``RelayAgent`` and ``LMTPAgent``.
struct OutboundClient: Sendable {
    /// One host and address to try.
    struct Target: Sendable {
        /// The MX, smarthost or LMTP host name (the log's `host=`, TLS's SNI and verified name).
        var hostName: String
        var endpoint: SMTPClientEndpoint
        var configuration: SMTPClientConfiguration
        /// Whether the peer's certificate is checked (action `tls` without `no-verify`, `smtp+tls://`,
        /// `smtps://`), and the action's `pki`, `ca`, `ciphers` and `protocols`.
        var tls: TLSClientOptions
        var source: SocketAddress?

        /// How OpenSMTPD's `mta connecting` line names the session's kind.
        var scheme: String {
            if configuration.protocolKind == .lmtp { return "lmtp://" }
            switch configuration.tls {
            case .opportunistic: return "smtp://"
            case .required: return "smtp+tls://"
            case .implicit: return "smtps://"
            case .never: return "smtp+notls://"
            }
        }

        /// `host [ip]`, the log's `relay=`.
        var relayText: String {
            switch endpoint {
            case .address(let address): "\(hostName) [\(address.ipAddress ?? "?")]"
            case .unixSocket(let path): path
            }
        }
    }

    enum Attempt: Sendable {
        /// The server answered the transaction: one outcome per envelope.
        case finished([DeliveryOutcome])
        /// No transaction took place (connection, greeting, TLS or AUTH failed): try another host.
        case failed(String)
    }

    var pool: SMTPConnectionPool
    var group: any EventLoopGroup
    var log: MTALog
    var connectTimeout: TimeAmount
    var replyTimeout: TimeAmount

    func attempt(_ target: Target, transaction: SMTPClientTransaction, envelopes: [QueuedEnvelope]) async -> Attempt {
        let key = SMTPConnectionPool.Key(
            endpoint: target.endpoint, configuration: target.configuration, tls: target.tls, source: target.source)
        var reused = true
        var pooled = await pool.take(key)
        if pooled == nil {
            reused = false
            switch await connect(target) {
            case .success(let fresh): pooled = fresh
            case .failure(let failure): return .failed(failure.text)
            }
        }
        guard let session = pooled else { return .failed("No session") }
        let replies: [SMTPReply]
        do {
            replies = try await session.connection.send(transaction)
        } catch {
            await session.connection.close()
            // A pooled session the server had closed meanwhile: one fresh try on the same target.
            if reused { return await attempt(target, transaction: transaction, envelopes: envelopes) }
            return .failed("\(error)")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let source = session.connection.localAddress?.ipAddress
        let outcomes = replies.map(OutboundTransaction.outcome)
        for (envelope, outcome) in zip(envelopes, outcomes) {
            log.delivery(session: session.session, envelope: envelope, sender: transaction.sender, source: source,
                relay: target.relayText, outcome: outcome, now: now)
        }
        if await session.connection.isUsable {
            await pool.put(key, session)
        } else {
            await session.connection.close()
        }
        return .finished(outcomes)
    }

    private func connect(_ target: Target) async -> Result<SMTPConnectionPool.Pooled, SMTPClientFailure> {
        let session = String(UInt64.random(in: 1...UInt64.max), radix: 16).leftPadded(to: 16)
        let address = target.endpoint.description
        log.connecting(session: session, scheme: target.scheme, address: address, host: target.hostName)
        var tls: SMTPClientTLS?
        if target.configuration.tls != .never {
            do {
                let context = try await pool.tlsContext(target.tls)
                tls = SMTPClientTLS(context: context, serverHostname: target.hostName)
            } catch {
                return .failure(SMTPClientFailure(stage: .session, text: "TLS setup failed: \(error)"))
            }
        }
        do {
            let connection = try await SMTPClientConnection.connect(
                to: target.endpoint, configuration: target.configuration, tls: tls, source: target.source,
                group: group, connectTimeout: connectTimeout, replyTimeout: replyTimeout)
            log.connected(session: session)
            if let version = await connection.tlsVersion { log.tls(session: session, version: version) }
            return .success(SMTPConnectionPool.Pooled(connection: connection, session: session, since: .now))
        } catch let failure as SMTPClientFailure {
            log.logger.info("smtp-out: Error on session \(session): \(failure.text)")
            return .failure(failure)
        } catch {
            return .failure(SMTPClientFailure(stage: .connection, text: "\(error)"))
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
