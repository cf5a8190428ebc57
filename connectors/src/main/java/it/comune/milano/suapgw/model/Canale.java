package it.comune.milano.suapgw.model;

/** The channel a pratica arrived on; it is answered on the same channel. */
public enum Canale { SSU, SCRIVANIA, GEOPOST }
