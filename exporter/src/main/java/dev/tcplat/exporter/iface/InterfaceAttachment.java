package dev.tcplat.exporter.iface;

/**
 * What the exporter reports for one selected interface: attached with a mode ({@code tcx} or
 * {@code tc}), or not attached, with the mode it tried or an empty one when it could not try
 * (an interface named on the command line that does not exist right now).
 */
public record InterfaceAttachment(String name, String mode, boolean attached) {}
