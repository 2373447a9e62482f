print("mock model server: not built yet")
