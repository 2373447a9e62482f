// LoomScenes module.
