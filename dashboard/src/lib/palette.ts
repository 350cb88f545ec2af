/**
 * The report charts' colours, at least 3:1 against white, told apart by hue and by their
 * order in the legend and the table. Here, not in the chart's client module: a server
 * component importing a value from a 'use client' module gets a reference, not the value.
 */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2', '#be185d', '#4d7c0f', '#475569', '#9333ea'];
