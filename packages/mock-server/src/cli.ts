console.log('timock: the fake backend arrives with @timock/mock-server');
