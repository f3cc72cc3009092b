"""People's accounts: sign-up, approval, invitations and claims, passwords, sign-in, sessions."""
