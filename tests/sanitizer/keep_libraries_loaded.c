/* Preloaded into the OpenGL test under AddressSanitizer: dlclose does nothing, so plugins (the
 * GL driver, Qt platform plugins) stay mapped until exit. Otherwise LeakSanitizer reports the
 * static allocations of an unloaded plugin as leaks from "<unknown module>" (112 bytes in
 * test_window); with the plugin still loaded they are reachable and nothing is reported. */
int dlclose(void* handle) {
    (void)handle;
    return 0;
}
