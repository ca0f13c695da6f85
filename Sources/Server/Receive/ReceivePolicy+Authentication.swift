import CCrypt
import ConfParser
import Logging
import RuleEngine
import Transport

#if canImport(Glibc)
import Glibc
#endif

extension ReceivePolicy {
    /// AUTH PLAIN/LOGIN against the listener's `auth <table>` (credentials: `user` → crypt(3) hash), or the
    /// system's users when no table is named. The hash check runs off the event loop; a failure is answered only
    /// after the throttle's growing delay for the client's address.
    public func authenticate(session: SMTPSessionInfo, credentials: SASLCredentials) async -> AuthenticationResult {
        let id = session.client.sessionIDText
        let user = credentials.username
        let result: AuthenticationResult
        switch await storedHash(for: user, configuration: configuration(session)) {
        case .failure(let error):
            logger.warning("\(id) smtp authentication user=\(user) result=tempfail error=\"\(error)\"")
            TernMetrics.authentication(.tempfail)
            return .temporaryFailure
        case .success(let hash):
            let password = credentials.password
            let matches = await BlockingWork.run { hash.map { PasswordHash($0).verify(password) } ?? false }
            result = matches ? .success : .failure
        }
        if result == .success {
            services.throttle.succeeded(address: session.client.address)
            TernMetrics.authentication(.ok)
            logger.info("\(id) smtp authentication user=\(user) result=ok")
        } else {
            services.statistics.withLock { $0.authenticationFailures += 1 }
            TernMetrics.authentication(.permfail)
            let delay = services.throttle.failed(address: session.client.address)
            logger.info("\(id) smtp authentication user=\(user) result=permfail")
            try? await Task.sleep(for: delay)
        }
        return result
    }

    /// The hash to check, nil for an unknown user.
    private func storedHash(for user: String, configuration: RunningConfiguration) async
        -> Result<String?, TableLookupError>
    {
        let reference: TableRef?
        switch listener.auth {
        case .required(let table)?, .optional(let table)?: reference = table
        case nil: return .success(nil)
        }
        guard let reference else { return .success(await BlockingWork.run { SystemPasswords.hash(for: user) }) }
        let table = configuration.tables.table(for: reference)
        do {
            return .success(try table.credentials(for: user)?.password)
        } catch {
            return .failure(error)
        }
    }
}

/// The system's own password hashes, for `auth` without a table: /etc/shadow (readable by root only), or the
/// passwd entry's field on systems without shadow passwords.
enum SystemPasswords {
    static func hash(for user: String) -> String? {
        if let entry = getspnam(user), let hash = entry.pointee.sp_pwdp {
            return String(cString: hash)
        }
        if let entry = getpwnam(user), let hash = entry.pointee.pw_passwd {
            let text = String(cString: hash)
            return text == "x" || text == "*" ? nil : text
        }
        return nil
    }
}
