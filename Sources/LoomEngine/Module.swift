// LoomEngine module.
