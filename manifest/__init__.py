"""The Slack and Teams app manifests, shipped inside the package so that `reflectbot
teams-package` works from any install, not only from a clone."""
