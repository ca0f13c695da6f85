/// The configuration the daemon serves now. Reload and `update table` replace it whole; whoever read it
/// before keeps the value it read.
public final class ConfigurationStore: Sendable {
    private let current: Locked<RunningConfiguration>

    public init(_ configuration: RunningConfiguration) {
        current = Locked(configuration)
    }

    public var configuration: RunningConfiguration { current.withLock { $0 } }

    public func replace(with configuration: RunningConfiguration) {
        current.withLock { $0 = configuration }
    }
}
