// Placeholder until the SMTP grammar lands.
import CCrypt
