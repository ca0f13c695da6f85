import ConfParser
import Logging
import RuleEngine
import Transport

extension ReceivePolicy {
    enum SenderCheck {
        case allowed
        case refused
        case tableFailed
    }

    /// `senders <T>`: an authenticated user may only use the MAIL FROM addresses its entry lists (OpenSMTPD's
    /// `smtp_check_mail_from` → `530 Sender rejected`). Sessions that did not authenticate are not checked.
    func senderAllowed(session: SMTPSessionInfo, sender: MailPath, configuration: RunningConfiguration)
        -> SenderCheck
    {
        guard let reference = listener.senders, session.isAuthenticated, let user = session.authenticatedUser,
            !session.client.isLocalEnqueue
        else { return .allowed }
        let table = configuration.tables.table(for: reference)
        do {
            guard let patterns = try table.mailAddressList(for: user) else { return .refused }
            let address = sender.mailbox?.description ?? ""
            let delimiter = configuration.tables.subaddressDelimiter
            return patterns.contains { $0.matches(address, delimiter: delimiter) } ? .allowed : .refused
        } catch {
            logger.warning("\(session.client.sessionIDText) smtp senders lookup failed: \(error)")
            return .tableFailed
        }
    }
}
