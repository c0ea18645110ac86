console.log("timock-contract: the contract runner arrives with @timock/contract-tests");
