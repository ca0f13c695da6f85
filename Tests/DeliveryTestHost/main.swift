import Server

#if canImport(Glibc)
import Glibc
#endif

// Started by the delivery tests as the supervisor, which starts itself again as workers.
DeliveryWorkerProcess.runIfRequested(CommandLine.arguments)
print("DeliveryTestHost: run by the delivery tests only")
exit(2)
