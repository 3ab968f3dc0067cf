import * as sdk from "matrix-js-sdk";
console.log(sdk.createClient);
