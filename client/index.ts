// The typed client of the fund (placeholder until it lands).
export {};
