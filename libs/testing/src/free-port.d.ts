/** Types of free-port.js (plain JS so jest's global setup can use it without a transform). */
export declare function freePort(): Promise<number>;
